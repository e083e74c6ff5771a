using System.CommandLine;
using System.Net;
using FluxSharp.Formats;
using FluxSharp.Kubernetes.Client;
using k8s;
using k8s.Models;

namespace FluxSharp.Cli.Flux;

/// <summary>
/// `fluxsharp events [--for Kind[/name]] [-A] [--types Normal,Warning] [-w]`: the Kubernetes Events of Flux objects,
/// oldest first, in flux's table `LAST SEEN TYPE REASON OBJECT MESSAGE`.
/// </summary>
internal static class EventsCommand
{
    private static readonly string[] Header = ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"];

    public static Command Create()
    {
        var all = new Option<bool>("--all-namespaces", "-A") { Description = "display events from Flux resources across all namespaces" };
        var watch = new Option<bool>("--watch", "-w") { Description = "indicate if the events should be streamed" };
        var forSelector = new Option<string?>("--for") { Description = "get events for a particular object, e.g. Kustomization/podinfo, or a kind" };
        var types = new Option<string[]>("--types") { Description = "filter events for certain types (valid types are: Normal, Warning)", AllowMultipleArgumentsPerToken = true };
        var command = new Command("events", "Display Kubernetes events for Flux resources") { all, watch, forSelector, types };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var filterTypes = (parse.GetValue(types) ?? []).SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            if (filterTypes.FirstOrDefault(t => !t.Equals("Normal", StringComparison.OrdinalIgnoreCase) && !t.Equals("Warning", StringComparison.OrdinalIgnoreCase)) is { } badType)
            {
                throw new CliException($"type '{badType}' not supported. Supported types are Normal, Warning");
            }

            var ns = GlobalOptions.NamespaceOf(parse);
            var allNamespaces = parse.GetValue(all);
            var selectors = new List<(string? Namespace, string FieldSelector)>();
            var showNamespace = allNamespaces;
            using var kube = GlobalOptions.Connect(parse, streaming: parse.GetValue(watch));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(GlobalOptions.TimeoutOf(parse));
            if (parse.GetValue(forSelector) is { Length: > 0 } selector)
            {
                var (kindText, name) = SplitSelector(selector);
                var kind = FluxKinds.Resolve(kindText);
                selectors.Add((allNamespaces ? null : ns, FieldSelector(kind.Kind, name)));
                if (name is not null && kind == FluxKind.Kustomization)
                {
                    // As flux: a Kustomization's story includes its source's events.
                    var ks = await kind.GetAsync(new FluxSharp.Kubernetes.Client.ResourceClient(kube, kind.Resource), ns, name, timeout.Token);
                    var sourceRef = ks["spec"]?["sourceRef"];
                    var refNs = (string?)sourceRef?["namespace"] ?? ns;
                    if ((string?)sourceRef?["kind"] is { } refKind && (string?)sourceRef?["name"] is { } refName)
                    {
                        selectors.Add((refNs, FieldSelector(refKind, refName)));
                        showNamespace |= !allNamespaces && refNs != ns;
                    }
                }
            }
            else
            {
                selectors.Add((allNamespaces ? null : ns, string.Empty));
            }

            bool Shown(Corev1Event e) =>
                FluxKinds.IsFluxKind(e.InvolvedObject?.Kind) && (filterTypes.Count == 0 || filterTypes.Any(t => t.Equals(e.Type, StringComparison.OrdinalIgnoreCase)));

            if (parse.GetValue(watch))
            {
                await WatchAsync(kube, selectors, showNamespace, Shown, timeout, cancellationToken);
                return 0;
            }

            var events = new List<Corev1Event>();
            foreach (var (selectorNs, fields) in selectors)
            {
                events.AddRange(await ListAsync(kube, selectorNs, fields, timeout.Token));
            }

            var rows = events.Where(Shown).DistinctBy(e => e.Metadata.Uid ?? e.Metadata.Name).OrderBy(EventTime).Select(e => Row(e, showNamespace)).ToList();
            if (rows.Count == 0)
            {
                Log.Failure(allNamespaces ? "No events found." : $"No events found in {ns} namespace.");
                return 0;
            }

            Console.Out.Write(GetCommand.Table([.. new[] { Headers(showNamespace) }.Concat(rows).SelectMany(Humanize.Lines)]));
            return 0;
        });
        return command;
    }

    /// <summary>Kind[/name]; a bare word is a kind, as flux reads it.</summary>
    private static (string Kind, string? Name) SplitSelector(string selector)
    {
        var parts = selector.Split('/');
        if (parts.Length > 2 || parts[0].Length == 0 || (parts.Length == 2 && parts[1].Length == 0))
        {
            throw new CliException("--for selector must be of format <kind>[/<name>]");
        }

        return (parts[0], parts.Length == 2 ? parts[1] : null);
    }

    private static string FieldSelector(string kind, string? name) =>
        name is null ? $"involvedObject.kind={kind}" : $"involvedObject.kind={kind},involvedObject.name={name}";

    private static string[] Headers(bool showNamespace) => showNamespace ? ["NAMESPACE", .. Header] : Header;

    private static async Task<List<Corev1Event>> ListAsync(k8s.Kubernetes kube, string? ns, string fieldSelector, CancellationToken cancellationToken)
    {
        var items = new List<Corev1Event>();
        string? next = null;
        var selector = fieldSelector.Length == 0 ? null : fieldSelector;
        try
        {
            do
            {
                var page = ns is null
                    ? await kube.CoreV1.ListEventForAllNamespacesAsync(continueParameter: next, fieldSelector: selector, limit: 500, cancellationToken: cancellationToken)
                    : await kube.CoreV1.ListNamespacedEventAsync(ns, continueParameter: next, fieldSelector: selector, limit: 500, cancellationToken: cancellationToken);
                items.AddRange(page.Items);
                next = page.Metadata?.ContinueProperty;
            }
            while (!string.IsNullOrEmpty(next));
        }
        catch (Exception e) when (KubeApiException.From(e) is { } api)
        {
            throw new CliException($"error getting events: {api.Message}");
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"unable to connect to the cluster: {e.Message}");
        }

        return items;
    }

    /// <summary>
    /// Streams events (those there already, then new ones) until Ctrl-C. The --timeout bounds connecting only: a watch
    /// the server ends is resumed from the last resourceVersion seen.
    /// </summary>
    private static async Task WatchAsync(k8s.Kubernetes kube, List<(string? Namespace, string FieldSelector)> selectors, bool showNamespace, Func<Corev1Event, bool> shown, CancellationTokenSource connect, CancellationToken cancellationToken)
    {
        var header = true;
        var gate = new Lock();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Print(Corev1Event e)
        {
            lock (gate)
            {
                // One line per (event, resourceVersion): a resumed watch may repeat what was printed.
                if (!shown(e) || !seen.Add(e.Metadata.Uid + "/" + e.Metadata.ResourceVersion))
                {
                    return;
                }

                string[][] rows = header ? [Headers(showNamespace), Row(e, showNamespace)] : [Row(e, showNamespace)];
                header = false;
                Console.Out.Write(GetCommand.Table([.. rows.SelectMany(Humanize.Lines)]));
                Console.Out.Flush();
            }
        }

        // Reachability and permissions are checked within --timeout; the streams then run until cancelled.
        await ListAsync(kube, selectors[0].Namespace, selectors[0].FieldSelector, connect.Token);
        try
        {
            await Task.WhenAll(selectors.Select(s => WatchOneAsync(kube, s.Namespace, s.FieldSelector, Print, cancellationToken)));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C.
        }
    }

    private static async Task WatchOneAsync(k8s.Kubernetes kube, string? ns, string fieldSelector, Action<Corev1Event> print, CancellationToken cancellationToken)
    {
        string? resourceVersion = null;
        var selector = fieldSelector.Length == 0 ? null : fieldSelector;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var stream = ns is null
                    ? kube.CoreV1.WatchListEventForAllNamespacesAsync(fieldSelector: selector, resourceVersion: resourceVersion, cancellationToken: cancellationToken)
                    : kube.CoreV1.WatchListNamespacedEventAsync(ns, fieldSelector: selector, resourceVersion: resourceVersion, cancellationToken: cancellationToken);
                await foreach (var (type, e) in stream)
                {
                    resourceVersion = e.Metadata?.ResourceVersion ?? resourceVersion;
                    if (type is WatchEventType.Added or WatchEventType.Modified)
                    {
                        print(e);
                    }
                }
            }
            catch (Exception e) when (KubeApiException.From(e) is { Code: HttpStatusCode.Gone })
            {
                // Too old to resume: start over (already printed events are skipped).
                resourceVersion = null;
            }
            catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
            {
                Log.Failure($"error watching events: {e.Message}");
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    private static string[] Row(Corev1Event e, bool showNamespace)
    {
        string[] cells = [LastSeen(e), e.Type ?? string.Empty, e.Reason ?? string.Empty, $"{e.InvolvedObject?.Kind}/{e.InvolvedObject?.Name}", e.Message ?? string.Empty];
        return showNamespace ? [e.Metadata.NamespaceProperty ?? string.Empty, .. cells] : cells;
    }

    /// <summary>kubectl's sort key: the series' last observation, else lastTimestamp, else eventTime.</summary>
    private static DateTime EventTime(Corev1Event e) =>
        e.Series?.LastObservedTime ?? e.LastTimestamp ?? e.EventTime ?? DateTime.MinValue;

    /// <summary>kubectl's LAST SEEN: the age, and "(xN over AGE)" for repeated events.</summary>
    private static string LastSeen(Corev1Event e)
    {
        static string Since(DateTime? t) => t is { } time ? HumanDuration.Format(DateTime.UtcNow - time.ToUniversalTime()) : "<unknown>";
        var first = e.EventTime is not null ? Since(e.EventTime) : Since(e.FirstTimestamp);
        if (e.Series is { } series)
        {
            return $"{Since(series.LastObservedTime)} (x{series.Count} over {first})";
        }

        return e.Count > 1 ? $"{Since(e.LastTimestamp)} (x{e.Count} over {first})" : first;
    }
}
