using System.Text;
using System.Threading.Channels;
using FluxSharp.Cli.Flux;
using FluxSharp.Kubernetes.Client;
using FluxSharp.Kubernetes.Runtime;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;

namespace FluxSharp.Cli.Commands;

/// <summary>
/// `fluxsharp dev`'s live view of GitRepositories and Kustomizations (revision, readiness, message) until Ctrl-C.
/// On a terminal the table is redrawn in place when something changes; redirected (tests, CI) it prints one line
/// per change of a row. Driven by informers (list + watch), so nothing polls.
/// </summary>
internal static class DevLiveView
{
    private static readonly FluxKind[] Kinds = [FluxKind.GitRepository, FluxKind.Kustomization];
    private static readonly string[] Header = ["KIND", "NAMESPACE", "NAME", "REVISION", "READY", "MESSAGE"];

    public static async Task RunAsync(IKubernetes kube, CancellationToken cancellationToken)
    {
        var rows = new SortedDictionary<string, Row>(StringComparer.Ordinal);
        var dirty = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
        var interactive = !Console.IsOutputRedirected;
        var informers = Kinds.Select(kind =>
        {
            var informer = new Informer(new ResourceClient(kube, kind.Resource), null, NullLogger.Instance);
            informer.Changed += change =>
            {
                var key = $"{kind.Kind}/{change.Key}";
                var row = change.New is { } obj ? RowOf(kind, obj) : null;
                lock (rows)
                {
                    rows.TryGetValue(key, out var old);
                    if (row == old)
                    {
                        return;
                    }

                    if (row is null)
                    {
                        rows.Remove(key);
                    }
                    else
                    {
                        rows[key] = row;
                    }
                }

                if (!interactive)
                {
                    Console.Out.WriteLine(row is null ? $"{key}  deleted" : $"{key}  {row.Revision}  {row.Ready}  {row.Message}");
                }

                dirty.Writer.TryWrite(true);
            };
            return informer.RunAsync(cancellationToken);
        }).ToList();

        try
        {
            if (interactive)
            {
                var drawn = 0;
                await foreach (var _ in dirty.Reader.ReadAllAsync(cancellationToken))
                {
                    List<KeyValuePair<string, Row>> snapshot;
                    lock (rows)
                    {
                        snapshot = [.. rows];
                    }

                    drawn = Draw(snapshot, drawn);
                }
            }
            else
            {
                await Task.WhenAll(informers);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C: dev is stopping.
        }

        // Cancelled informers may end in OperationCanceledException; dev must still go on to stop the controllers.
        await Task.WhenAll(informers).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Redraws the table over the one drawn before (<paramref name="previousLines"/> lines up); returns its height.</summary>
    private static int Draw(List<KeyValuePair<string, Row>> rows, int previousLines)
    {
        var table = new List<string[]> { Header };
        table.AddRange(rows.Select(r =>
        {
            var parts = r.Key.Split('/', 3);
            return new[] { parts[0], parts[1], parts[2], r.Value.Revision, r.Value.Ready, r.Value.Message };
        }));
        var width = Width();
        var lines = GetCommand.Table(table).TrimEnd('\n').Split('\n')
            .Select(l => l.Replace('\t', ' '))
            // One terminal row per line, or moving the cursor back up would miss.
            .Select(l => width > 1 && l.Length >= width ? l[..(width - 2)] + "…" : l)
            .ToList();
        var text = new StringBuilder();
        if (previousLines > 0)
        {
            text.Append($"\e[{previousLines}A");
        }

        text.Append("\r\e[J");
        foreach (var line in lines)
        {
            text.Append(line).Append('\n');
        }

        Console.Out.Write(text.ToString());
        return lines.Count;
    }

    private static Row RowOf(FluxKind kind, System.Text.Json.Nodes.JsonObject obj)
    {
        var (ready, message) = FluxKind.ReadyOf(obj);
        return new Row(GetCommand.TruncateHex(kind.Revision(obj)), ready, GetCommand.TruncateHex(message));
    }

    private static int Width()
    {
        try
        {
            return Console.WindowWidth;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private sealed record Row(string Revision, string Ready, string Message);
}
