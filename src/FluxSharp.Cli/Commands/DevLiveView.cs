using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using FluxSharp.Api;
using FluxSharp.Cli.Flux;
using FluxSharp.Kubernetes.Client;
using FluxSharp.Kubernetes.Runtime;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;

namespace FluxSharp.Cli.Commands;

/// <summary>
/// `fluxsharp dev`'s console after start-up, until Ctrl-C: one line per Kubernetes Event the controllers record
/// about a Flux object ("✔ Kustomization/flux-system/flux-system: ..."), and the live view of GitRepositories, OCIRepositories and
/// Kustomizations (revision, readiness, message). On a terminal the view is a table redrawn in place under the event
/// lines; redirected (tests, CI) it is one line per change of a row. Logs are not shown here: they go to the log
/// file and the manager Pod's log. Driven by informers (list + watch), so nothing polls.
/// </summary>
internal static class DevLiveView
{
    private static readonly FluxKind[] Kinds = [FluxKind.GitRepository, FluxKind.OCIRepository, FluxKind.Kustomization];
    private static readonly ApiResource EventResource = new(string.Empty, "v1", "events", "Event");
    private static readonly string[] Header = ["KIND", "NAMESPACE", "NAME", "REVISION", "READY", "MESSAGE"];

    /// <param name="table">show the GitRepositories and Kustomizations (false: only the events)</param>
    /// <param name="since">events last seen before this are not shown (a kept state dir holds earlier runs' events)</param>
    public static async Task RunAsync(IKubernetes kube, bool table, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var interactive = !Console.IsOutputRedirected;
        var color = interactive && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        var rows = new SortedDictionary<string, Row>(StringComparer.Ordinal);
        // Lines to print, in order; null asks for the table to be redrawn. One reader writes the console.
        var output = Channel.CreateUnbounded<string?>(new UnboundedChannelOptions { SingleReader = true });
        var informers = new List<Task>();
        if (table)
        {
            informers.AddRange(Kinds.Select(kind =>
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

                        output.Writer.TryWrite(interactive ? null : row is null ? $"{key}  deleted" : $"{key}  {row.Revision}  {row.Ready}  {row.Message}");
                    }
                };
                return informer.RunAsync(cancellationToken);
            }));
        }

        var events = new Informer(new ResourceClient(kube, EventResource), null, NullLogger.Instance);
        events.Changed += change =>
        {
            if (EventLine(change, since, color) is { } line)
            {
                output.Writer.TryWrite(line);
            }
        };
        informers.Add(events.RunAsync(cancellationToken));

        try
        {
            var drawn = 0;
            while (await output.Reader.WaitToReadAsync(cancellationToken))
            {
                // Everything pending at once: a burst of changes is one redraw.
                var lines = new List<string>();
                var redraw = false;
                while (output.Reader.TryRead(out var item))
                {
                    if (item is null)
                    {
                        redraw = true;
                    }
                    else
                    {
                        lines.Add(item);
                    }
                }

                if (!interactive)
                {
                    foreach (var line in lines)
                    {
                        Console.Out.WriteLine(line);
                    }

                    continue;
                }

                if (lines.Count > 0 || redraw)
                {
                    List<KeyValuePair<string, Row>> snapshot;
                    lock (rows)
                    {
                        snapshot = [.. rows];
                    }

                    drawn = Draw(lines, snapshot, drawn);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C: dev is stopping.
        }

        // Cancelled informers may end in OperationCanceledException; dev must still go on to stop the controllers.
        await Task.WhenAll(informers).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>
    /// The line for a newly recorded event about a Flux object, or null: other objects' events, events from before
    /// <paramref name="since"/>, and updates that are not a repeat (an aggregated event's count going up is one).
    /// </summary>
    internal static string? EventLine(ObjectChange change, DateTimeOffset since, bool color)
    {
        if (change.Resync || change.New is not { } ev || ev["involvedObject"] is not JsonObject involved)
        {
            return null;
        }

        var kind = (string?)involved["kind"];
        if (!FluxKinds.IsFluxKind(kind))
        {
            return null;
        }

        if (change.Old is { } old && Count(ev) <= Count(old))
        {
            return null;
        }

        if (LastSeen(ev) is not { } seen || seen < since)
        {
            return null;
        }

        var warning = (string?)ev["type"] == "Warning";
        var symbol = warning ? "✗" : "✔";
        if (color)
        {
            symbol = $"\e[{(warning ? "31" : "32")}m{symbol}\e[0m";
        }

        var message = string.Join(", ", ((string?)ev["message"] ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return $"{symbol} {kind}/{(string?)involved["namespace"]}/{(string?)involved["name"]}: {message}";
    }

    private static int Count(JsonObject ev) => ev["count"] is JsonValue v && v.TryGetValue<int>(out var n) ? n : 1;

    private static DateTimeOffset? LastSeen(JsonObject ev)
    {
        foreach (var field in new[] { "lastTimestamp", "eventTime", "firstTimestamp" })
        {
            if ((string?)ev[field] is { Length: > 0 } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            {
                return time;
            }
        }

        return null;
    }

    /// <summary>
    /// Erases the table drawn before (<paramref name="previousLines"/> lines up), prints the new event lines where it
    /// was (they scroll up with the terminal) and draws the table again under them; returns the table's height.
    /// </summary>
    private static int Draw(List<string> events, List<KeyValuePair<string, Row>> rows, int previousLines)
    {
        var text = new StringBuilder();
        if (previousLines > 0)
        {
            text.Append($"\e[{previousLines}A");
        }

        text.Append("\r\e[J");
        foreach (var line in events)
        {
            text.Append(line).Append('\n');
        }

        var lines = TableLines(rows);
        foreach (var line in lines)
        {
            text.Append(line).Append('\n');
        }

        Console.Out.Write(text.ToString());
        return lines.Count;
    }

    private static List<string> TableLines(List<KeyValuePair<string, Row>> rows)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var table = new List<string[]> { Header };
        table.AddRange(rows.Select(r =>
        {
            var parts = r.Key.Split('/', 3);
            return new[] { parts[0], parts[1], parts[2], r.Value.Revision, r.Value.Ready, r.Value.Message };
        }));
        var width = Width();
        return GetCommand.Table(table).TrimEnd('\n').Split('\n')
            .Select(l => l.Replace('\t', ' ').TrimEnd())
            // One terminal row per line, or moving the cursor back up would miss.
            .Select(l => width > 1 && l.Length >= width ? l[..(width - 2)] + "…" : l)
            .ToList();
    }

    private static Row RowOf(FluxKind kind, JsonObject obj)
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
