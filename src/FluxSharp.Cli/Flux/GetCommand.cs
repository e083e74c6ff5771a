using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FluxSharp.Kubernetes.Client;

namespace FluxSharp.Cli.Flux;

/// <summary>`fluxsharp get sources git` and `fluxsharp get kustomizations`: flux's tables.</summary>
internal static partial class GetCommand
{
    private static readonly Option<bool> AllNamespaces = new("--all-namespaces", "-A") { Description = "list the requested object(s) across all namespaces", Recursive = true };
    private static readonly Option<string?> StatusSelector = new("--status-selector") { Description = "specify the status condition name and the desired state to filter the get result, e.g. ready=false", Recursive = true };
    private static readonly Option<bool> NoHeader = new("--no-header") { Description = "skip the header when printing the results", Recursive = true };

    public static Command Create()
    {
        var git = new Command("git", "Get GitRepository source statuses");
        git.SetAction((parse, ct) => RunAsync(parse, FluxKind.GitRepository, ct));
        var sources = new Command("sources", "Get source statuses") { git };
        sources.Aliases.Add("source");
        var ks = new Command("kustomizations", "Get Kustomization statuses");
        ks.Aliases.Add("kustomization");
        ks.Aliases.Add("ks");
        ks.SetAction((parse, ct) => RunAsync(parse, FluxKind.Kustomization, ct));
        return new Command("get", "Get the resources and their status") { AllNamespaces, StatusSelector, NoHeader, sources, ks };
    }

    private static async Task<int> RunAsync(ParseResult parse, FluxKind kind, CancellationToken cancellationToken)
    {
        var all = parse.GetValue(AllNamespaces);
        var ns = GlobalOptions.NamespaceOf(parse);
        var selector = ParseSelector(parse.GetValue(StatusSelector));
        using var kube = GlobalOptions.Connect(parse);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(GlobalOptions.TimeoutOf(parse));
        var items = await kind.ListAsync(new ResourceClient(kube, kind.Resource), all ? null : ns, timeout.Token).ConfigureAwait(false);
        items = [.. items
            .Where(o => selector is not { } s || (FluxKind.Condition(o, s.Type) is { } c && string.Equals((string?)c["status"], s.Status, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(o => FluxKind.NamespaceOf(o), StringComparer.Ordinal)
            .ThenBy(o => FluxKind.NameOf(o), StringComparer.Ordinal)];
        if (items.Count == 0)
        {
            Log.Failure(all ? $"no {kind.Kind} objects found in any namespace" : $"no {kind.Kind} objects found in {ns} namespace");
            return 0;
        }

        var rows = new List<string[]>();
        if (!parse.GetValue(NoHeader))
        {
            rows.Add(all ? ["NAMESPACE", "NAME", "REVISION", "SUSPENDED", "READY", "MESSAGE"] : ["NAME", "REVISION", "SUSPENDED", "READY", "MESSAGE"]);
        }

        rows.AddRange(items.Select(o => Row(kind, o, all)));
        Console.Out.Write(Table(rows));
        return 0;
    }

    private static string[] Row(FluxKind kind, JsonObject o, bool all)
    {
        var (status, message) = FluxKind.ReadyOf(o);
        string[] cells = [FluxKind.NameOf(o), TruncateHex(kind.Revision(o)), FluxKind.Suspended(o) ? "True" : "False", status, TruncateHex(message)];
        return all ? [FluxKind.NamespaceOf(o), .. cells] : cells;
    }

    /// <summary>flux's table: left-aligned cells padded to the column width, columns separated by a tab.</summary>
    public static string Table(List<string[]> rows)
    {
        var widths = new int[rows.Max(r => r.Length)];
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        var text = new StringBuilder();
        foreach (var row in rows)
        {
            text.AppendJoin('\t', row.Select((cell, i) => cell.PadRight(widths[i]))).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>flux's utils.TruncateHex: SHA-1/SHA-256 hex digests shortened to 8 characters.</summary>
    public static string TruncateHex(string text) => HexDigest().Replace(text, m => m.Value[..8]);

    private static (string Type, string Status)? ParseSelector(string? selector)
    {
        if (string.IsNullOrEmpty(selector))
        {
            return null;
        }

        var parts = selector.Split('=', 2);
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            throw new CliException($"--status-selector: \"{selector}\" is not of the form condition=status, e.g. ready=false");
        }

        return (parts[0], parts[1]);
    }

    [GeneratedRegex("[a-f0-9]{40,64}")]
    private static partial Regex HexDigest();
}
