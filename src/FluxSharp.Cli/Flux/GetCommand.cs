using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using FluxSharp.Kubernetes.Client;
using FluxSharp.Kubernetes.Runtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace FluxSharp.Cli.Flux;

/// <summary>
/// `fluxsharp get sources git|all`, `get kustomizations`, `get all`: flux's tables, `-o yaml|json`, `--watch`;
/// the kinds FluxSharp does not serve yet exist and say so.
/// </summary>
internal static partial class GetCommand
{
    private static readonly Option<bool> AllNamespaces = new("--all-namespaces", "-A") { Description = "list the requested object(s) across all namespaces", Recursive = true };
    private static readonly Option<string?> StatusSelector = new("--status-selector") { Description = "specify the status condition name and the desired state to filter the get result, e.g. ready=false or ready!=true", Recursive = true };
    private static readonly Option<bool> NoHeader = new("--no-header") { Description = "skip the header when printing the results", Recursive = true };
    private static readonly Option<bool> Watch = new("--watch", "-w") { Description = "after listing/getting the requested object, watch for changes (until Ctrl-C)", Recursive = true };
    private static readonly Option<string?> Output = Recursive(OutputFormat.Option("yaml", "json"));

    /// <summary>The kinds `get sources all` lists, in flux's order; flux's other source kinds are not served, so skipped.</summary>
    private static readonly FluxKind[] Sources = [FluxKind.GitRepository, FluxKind.OCIRepository];

    /// <summary>`get all`: the sources, then the other kinds in flux's order.</summary>
    private static readonly FluxKind[] All = [.. Sources, FluxKind.Kustomization, FluxKind.Receiver];

    public static Command Create()
    {
        var sources = new Command("sources", "Get source statuses")
        {
            Leaf("git", "Get GitRepository source statuses", FluxKind.GitRepository),
            Many("all", "Get all source statuses", Sources),
            Leaf("oci", "Get OCIRepository status", FluxKind.OCIRepository),
            PendingKind.HelmRepository.Command("helm", "Get HelmRepository source statuses"),
            PendingKind.HelmChart.Command("chart", "Get HelmChart statuses"),
            PendingKind.Bucket.Command("bucket", "Get Bucket source statuses"),
        };
        sources.Aliases.Add("source");
        var images = new Command("images", "Get image automation object status")
        {
            PendingKind.ImageRepository.Command("all", "Get all image statuses"),
            PendingKind.ImageRepository.Command("repository", "Get ImageRepository status"),
            PendingKind.ImagePolicy.Command("policy", "Get ImagePolicy status"),
            PendingKind.ImageUpdateAutomation.Command("update", "Get ImageUpdateAutomation status"),
        };
        images.Aliases.Add("image");
        return new Command("get", "Get the resources and their status")
        {
            AllNamespaces, StatusSelector, NoHeader, Watch, Output,
            sources,
            Leaf("kustomizations", "Get Kustomization statuses", FluxKind.Kustomization, "kustomization", "ks"),
            Many("all", "Get all resources and statuses", All),
            PendingKind.HelmRelease.Command("helmreleases", "Get HelmRelease statuses", "hr", "helmrelease"),
            PendingKind.Alert.Command("alerts", "Get Alert statuses", "alert"),
            PendingKind.Provider.Command("alert-providers", "Get Provider statuses", "alert-provider"),
            Leaf("receivers", "Get Receiver statuses", FluxKind.Receiver, "receiver"),
            images,
        };
    }

    /// <summary>One kind: `get sources git [NAME]`.</summary>
    private static Command Leaf(string name, string description, FluxKind kind, params string[] aliases)
    {
        var objectName = new Argument<string?>("name") { Description = $"only the {kind.Kind} of this name", Arity = ArgumentArity.ZeroOrOne };
        // An unknown flag must not pass for a name (System.CommandLine would take it as the optional argument).
        objectName.Validators.Add(result =>
        {
            if (result.Tokens is [{ Value: ['-', ..] flag }])
            {
                result.AddError($"Unrecognized command or argument '{flag}'.");
            }
        });
        var command = new Command(name, description) { objectName };
        foreach (var alias in aliases)
        {
            command.Aliases.Add(alias);
        }

        command.SetAction((parse, ct) => parse.GetValue(Watch)
            ? WatchAsync(parse, kind, parse.GetValue(objectName), ct)
            : ReconcileCommand.Run(parse, (kube, ns, token) => PrintAsync(parse, kube, ns, [kind], parse.GetValue(objectName), getAll: false, token), ct));
        return command;
    }

    /// <summary>Several kinds, one table each (names as kind/name, a blank line after each); kinds with nothing are skipped.</summary>
    private static Command Many(string name, string description, FluxKind[] kinds)
    {
        var command = new Command(name, description);
        command.SetAction((parse, ct) => parse.GetValue(Watch)
            ? throw new CliException($"expected a single resource type, but found {name}; --watch works on one kind, e.g. `fluxsharp get kustomizations --watch`")
            : ReconcileCommand.Run(parse, (kube, ns, token) => PrintAsync(parse, kube, ns, kinds, null, getAll: true, token), ct));
        return command;
    }

    private static async Task PrintAsync(ParseResult parse, k8s.Kubernetes kube, string ns, FluxKind[] kinds, string? name, bool getAll, CancellationToken cancellationToken)
    {
        var all = parse.GetValue(AllNamespaces);
        var selector = ParseSelector(parse.GetValue(StatusSelector));
        var format = parse.GetValue(Output);
        var where = all ? "any namespace" : $"{ns} namespace";
        var objects = new List<JsonNode?>();
        foreach (var kind in kinds)
        {
            var items = await ListAsync(kube, kind, all ? null : ns, name, selector, cancellationToken);
            if (items.Count == 0 && name is not null)
            {
                throw new CliException($"{kind.Kind} object '{name}' not found in {where}; list them with `fluxsharp get {kind.CliName}{(all ? " -A" : $" -n {ns}")}`");
            }

            if (format is not null)
            {
                objects.AddRange(items.Select(o => WithKind(kind, o)));
                continue;
            }

            if (items.Count == 0)
            {
                // flux's `get all` says nothing about kinds without objects.
                if (!getAll)
                {
                    Log.Failure($"no {kind.Kind} objects found in {where}");
                }

                continue;
            }

            var rows = new List<string[]>();
            if (!parse.GetValue(NoHeader))
            {
                rows.Add(Header(kind, all));
            }

            rows.AddRange(items.Select(o => Row(kind, o, all, getAll)));
            Console.Out.Write(Table(rows));
            if (getAll)
            {
                Console.Out.WriteLine();
            }
        }

        if (format is not null)
        {
            // One named object prints as itself; a listing is always a List (json) so scripts see one shape.
            IReadOnlyList<JsonNode?> printed = format == "json" && name is null ? [new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = new JsonArray([.. objects]) }] : objects;
            OutputFormat.TryPrint(format, printed);
        }
    }

    /// <summary>
    /// flux's `get --watch`: the table, then a row for every change (until Ctrl-C; --timeout only bounds the first list).
    /// The watch is an informer, so it survives the server ending a watch and re-lists after 410 Gone.
    /// </summary>
    private static async Task<int> WatchAsync(ParseResult parse, FluxKind kind, string? name, CancellationToken cancellationToken)
    {
        var all = parse.GetValue(AllNamespaces);
        var ns = GlobalOptions.NamespaceOf(parse);
        var selector = ParseSelector(parse.GetValue(StatusSelector));
        var format = parse.GetValue(Output);
        using var kube = GlobalOptions.Connect(parse);
        var client = new ResourceClient(kube, kind.Resource);
        List<JsonObject> items;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(GlobalOptions.TimeoutOf(parse));
            try
            {
                items = await ListAsync(kube, kind, all ? null : ns, name, selector, timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new CliException($"timed out after {parse.GetValue(GlobalOptions.Timeout)} listing {kind.Resource}");
            }
        }

        var rows = new List<string[]>();
        if (!parse.GetValue(NoHeader))
        {
            rows.Add(Header(kind, all));
        }

        rows.AddRange(items.Select(o => Row(kind, o, all, getAll: false)));
        var widths = Widths(rows);
        if (format is not null)
        {
            var objects = items.Select(o => WithKind(kind, o)).ToList();
            Console.Out.Write(format == "yaml" ? OutputFormat.Yaml(objects) : string.Concat(objects.Select(o => OutputFormat.Json([o]))));
        }
        else if (items.Count > 0)
        {
            Console.Out.Write(Table(rows, widths));
        }

        var printedAny = items.Count > 0;
        var changes = Channel.CreateUnbounded<JsonObject>(new UnboundedChannelOptions { SingleReader = true });
        var listed = items.ToDictionary(o => (FluxKind.NamespaceOf(o), FluxKind.NameOf(o)), o => (string?)o["metadata"]?["resourceVersion"]);
        var informer = new Informer(client, all ? null : ns, NullLogger.Instance);
        informer.Changed += change =>
        {
            var obj = change.New ?? change.Old;
            if (change.Resync || obj is null)
            {
                return;
            }

            // The informer's first list repeats what was printed; only what changed since then is news.
            if (!informer.Synced.IsCompleted && listed.TryGetValue((FluxKind.NamespaceOf(obj), FluxKind.NameOf(obj)), out var rv) && rv == (string?)obj["metadata"]?["resourceVersion"])
            {
                return;
            }

            changes.Writer.TryWrite(obj);
        };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = informer.RunAsync(stop.Token);
        try
        {
            await foreach (var obj in changes.Reader.ReadAllAsync(cancellationToken))
            {
                if (!Matches(obj, name, selector))
                {
                    continue;
                }

                if (format is not null)
                {
                    Console.Out.Write((printedAny && format == "yaml" ? "---\n" : string.Empty) + (format == "yaml" ? OutputFormat.Yaml([WithKind(kind, obj)]) : OutputFormat.Json([WithKind(kind, obj)])));
                }
                else
                {
                    // A row lines up with the table above it; the header comes with the first row when there was none.
                    var row = Row(kind, obj, all, getAll: false);
                    List<string[]> lines = printedAny || parse.GetValue(NoHeader) ? [row] : [Header(kind, all), row];
                    widths = Widths([.. lines, widths.Select(w => new string(' ', w)).ToArray()]);
                    Console.Out.Write(Table(lines, widths));
                }

                printedAny = true;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C ends a watch; that is how it is meant to end.
        }
        finally
        {
            await stop.CancelAsync();
            // A cancelled informer may end in OperationCanceledException (e.g. stopped while backing off from a lost server).
            await running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        return 0;
    }

    private static Option<string?> Recursive(Option<string?> option)
    {
        option.Recursive = true;
        return option;
    }

    private static async Task<List<JsonObject>> ListAsync(k8s.Kubernetes kube, FluxKind kind, string? ns, string? name, (string Type, string Status, bool Negated)? selector, CancellationToken cancellationToken)
    {
        var items = await kind.ListAsync(new ResourceClient(kube, kind.Resource), ns, cancellationToken);
        return [.. items
            .Where(o => Matches(o, name, selector))
            .OrderBy(o => FluxKind.NamespaceOf(o), StringComparer.Ordinal)
            .ThenBy(o => FluxKind.NameOf(o), StringComparer.Ordinal)];
    }

    /// <summary>The name (when given) and flux's status selector: type=status, or type!=status for the opposite.</summary>
    private static bool Matches(JsonObject o, string? name, (string Type, string Status, bool Negated)? selector)
    {
        if (name is not null && FluxKind.NameOf(o) != name)
        {
            return false;
        }

        if (selector is not { } s)
        {
            return true;
        }

        var match = FluxKind.Condition(o, s.Type) is { } c && string.Equals((string?)c["status"], s.Status, StringComparison.OrdinalIgnoreCase);
        return match != s.Negated;
    }

    /// <summary>kubectl and flux print objects with apiVersion and kind, which list items may leave out.</summary>
    private static JsonObject WithKind(FluxKind kind, JsonObject o)
    {
        var copy = new JsonObject { ["apiVersion"] = kind.Resource.ApiVersion, ["kind"] = kind.Kind };
        foreach (var (key, value) in o)
        {
            if (key is not "apiVersion" and not "kind")
            {
                copy[key] = value?.DeepClone();
            }
        }

        return copy;
    }

    /// <summary>flux's header; kinds without a revision (Receiver) have no REVISION column.</summary>
    private static string[] Header(FluxKind kind, bool all)
    {
        string[] columns = kind.HasRevision ? ["NAME", "REVISION", "SUSPENDED", "READY", "MESSAGE"] : ["NAME", "SUSPENDED", "READY", "MESSAGE"];
        return all ? ["NAMESPACE", .. columns] : columns;
    }

    /// <summary>flux's row; in `get all` the name is kind/name with the kind in lower case.</summary>
    private static string[] Row(FluxKind kind, JsonObject o, bool all, bool getAll)
    {
        var (status, message) = FluxKind.ReadyOf(o);
        var name = getAll ? $"{kind.Kind.ToLowerInvariant()}/{FluxKind.NameOf(o)}" : FluxKind.NameOf(o);
        string[] cells = kind.HasRevision
            ? [name, TruncateHex(kind.Revision(o)), FluxKind.Suspended(o) ? "True" : "False", status, TruncateHex(message)]
            : [name, FluxKind.Suspended(o) ? "True" : "False", status, TruncateHex(message)];
        return all ? [FluxKind.NamespaceOf(o), .. cells] : cells;
    }

    /// <summary>flux's table: left-aligned cells padded to the column width, columns separated by a tab.</summary>
    public static string Table(List<string[]> rows) => Table(rows, Widths(rows));

    private static string Table(List<string[]> rows, int[] widths)
    {
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            text.AppendJoin('\t', row.Select((cell, i) => cell.PadRight(widths[i]))).Append('\n');
        }

        return text.ToString();
    }

    private static int[] Widths(List<string[]> rows)
    {
        var widths = new int[rows.Count == 0 ? 0 : rows.Max(r => r.Length)];
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        return widths;
    }

    /// <summary>flux's utils.TruncateHex: SHA-1/SHA-256 hex digests shortened to 8 characters.</summary>
    public static string TruncateHex(string text) => HexDigest().Replace(text, m => m.Value[..8]);

    private static (string Type, string Status, bool Negated)? ParseSelector(string? selector)
    {
        if (string.IsNullOrEmpty(selector))
        {
            return null;
        }

        // "!=" first: it contains "=".
        var negated = selector.Contains("!=", StringComparison.Ordinal);
        var parts = selector.Split(negated ? "!=" : "=", 2);
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            throw new CliException($"--status-selector: \"{selector}\" is not of the form condition=status or condition!=status, e.g. ready=false");
        }

        return (parts[0], parts[1], negated);
    }

    [GeneratedRegex("[a-f0-9]{40,64}")]
    private static partial Regex HexDigest();
}
