using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.Json;
using FluxSharp.Kubernetes.Client;
using k8s;
using k8s.Models;

namespace FluxSharp.Cli.Flux;

/// <summary>
/// `fluxsharp logs`: the manager's log, read through the API from its Pod(s) in the flux namespace (label
/// app.kubernetes.io/name=fluxsharp), its Flux-style JSON lines printed as flux does
/// (`TS LEVEL Kind/name.namespace - message`) and filtered by --kind, --name, --level and the namespace.
/// </summary>
internal static class LogsCommand
{
    /// <summary>The label on the manager's Pods (in a cluster and in `fluxsharp dev`).</summary>
    public const string ManagerSelector = "app.kubernetes.io/name=fluxsharp";

    private const string ManagerContainer = "manager";

    private static readonly string[] Levels = ["debug", "info", "error"];

    public static Command Create()
    {
        var level = new Option<string?>("--level") { Description = "log level, available options are: (debug, info, error)" };
        var kind = new Option<string?>("--kind") { Description = "displays errors of a particular toolkit kind e.g GitRepository" };
        var name = new Option<string?>("--name") { Description = "specifies the name of the object logs to be displayed" };
        var follow = new Option<bool>("--follow", "-f") { Description = "specifies if the logs should be streamed" };
        var tail = new Option<long>("--tail") { Description = "lines of recent log file to display", DefaultValueFactory = _ => -1 };
        var fluxNamespace = new Option<string>("--flux-namespace") { Description = "the namespace where the FluxSharp manager is running", DefaultValueFactory = _ => "flux-system" };
        var all = new Option<bool>("--all-namespaces", "-A") { Description = "displays logs for objects across all namespaces" };
        var since = new Option<string?>("--since") { Description = "only return logs newer than a relative duration like 5s, 2m, or 3h; only one of since-time / since may be used" };
        var sinceTime = new Option<string?>("--since-time") { Description = "only return logs after a specific date (RFC3339); only one of since-time / since may be used" };
        level.CompletionSources.Add(Levels);
        var command = new Command("logs", "Display formatted logs for the FluxSharp manager") { level, kind, name, follow, tail, fluxNamespace, all, since, sinceTime };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var filter = new LogFilter(
                Level(parse.GetValue(level)),
                parse.GetValue(kind) is { Length: > 0 } k ? FluxKinds.Resolve(k).Kind : null,
                parse.GetValue(name) is { Length: > 0 } n ? n : null,
                parse.GetValue(all) ? null : GlobalOptions.NamespaceOf(parse));
            var (sinceSeconds, sinceDate) = Since(parse.GetValue(since), parse.GetValue(sinceTime));
            var tailLines = parse.GetValue(tail);
            var following = parse.GetValue(follow);
            var ns = parse.GetValue(fluxNamespace) ?? "flux-system";

            using var kube = GlobalOptions.Connect(parse, streaming: following);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(GlobalOptions.TimeoutOf(parse));
            var pods = await ManagerPodsAsync(kube, ns, timeout.Token);
            if (pods.Count == 0)
            {
                throw new CliException($"no FluxSharp pods found in namespace \"{ns}\"");
            }

            // A followed log runs until Ctrl-C; otherwise the whole read is bounded by --timeout.
            var readToken = following ? cancellationToken : timeout.Token;
            var gate = new Lock();
            var failed = false;
            async Task ReadAsync(V1Pod pod)
            {
                try
                {
                    var container = pod.Spec?.Containers?.Count > 1 ? ManagerContainer : null;
                    var stream = await kube.CoreV1.ReadNamespacedPodLogAsync(
                        pod.Metadata.Name, ns, container: container, follow: following, sinceSeconds: sinceSeconds, tailLines: tailLines >= 0 ? (int)Math.Min(tailLines, int.MaxValue) : null, cancellationToken: timeout.Token);
                    await using (stream)
                    {
                        using var reader = new StreamReader(stream);
                        while (await reader.ReadLineAsync(readToken) is { } line)
                        {
                            if (Format(line, filter, sinceDate) is { } text)
                            {
                                lock (gate)
                                {
                                    Console.Out.WriteLine(text);
                                    Console.Out.Flush();
                                }
                            }
                        }
                    }
                }
                catch (Exception e) when (e is HttpRequestException or IOException || KubeApiException.From(e) is not null)
                {
                    lock (gate)
                    {
                        Log.Failure($"failed getting logs: {Message(e)}");
                        failed = true;
                    }
                }
            }

            try
            {
                await Task.WhenAll(pods.Select(ReadAsync));
            }
            catch (OperationCanceledException) when (following && cancellationToken.IsCancellationRequested)
            {
                // Ctrl-C ends following.
            }

            return failed ? throw new CliException("failed to collect logs from all FluxSharp pods") : 0;
        });
        return command;
    }

    /// <summary>The manager's Pods, running ones first (one per replica; with leader election only the leader reconciles).</summary>
    private static async Task<List<V1Pod>> ManagerPodsAsync(k8s.Kubernetes kube, string ns, CancellationToken cancellationToken)
    {
        try
        {
            var list = await kube.CoreV1.ListNamespacedPodAsync(ns, labelSelector: ManagerSelector, cancellationToken: cancellationToken);
            return [.. list.Items.OrderBy(p => p.Status?.Phase == "Running" ? 0 : 1).ThenBy(p => p.Metadata.Name, StringComparer.Ordinal)];
        }
        catch (Exception e) when (KubeApiException.From(e) is not null)
        {
            throw new CliException(Message(e));
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"unable to connect to the cluster: {e.Message}");
        }
    }

    /// <summary>The server's message for an API error, else the exception's.</summary>
    private static string Message(Exception e) => KubeApiException.From(e)?.Message ?? e.Message;

    private static string? Level(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return Levels.Contains(text, StringComparer.Ordinal)
            ? text
            : throw new ArgumentException($"--level: unsupported log level \"{text}\", must be one of: {string.Join(", ", Levels)}");
    }

    private static (int? Seconds, DateTimeOffset? Time) Since(string? since, string? sinceTime)
    {
        if (!string.IsNullOrEmpty(since) && !string.IsNullOrEmpty(sinceTime))
        {
            throw new ArgumentException("at most one of --since or --since-time may be specified");
        }

        if (!string.IsNullOrEmpty(since))
        {
            TimeSpan duration;
            try
            {
                duration = GlobalOptions.ParseDuration(since);
            }
            catch (ArgumentException)
            {
                throw new ArgumentException($"--since: invalid duration \"{since}\"");
            }

            // Rounded up to whole seconds, as flux asks the API.
            return (duration > TimeSpan.Zero ? (int)Math.Clamp(Math.Round(duration.TotalSeconds, MidpointRounding.AwayFromZero), 1, int.MaxValue) : null, null);
        }

        if (!string.IsNullOrEmpty(sinceTime))
        {
            return DateTimeOffset.TryParse(sinceTime, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
                ? (null, t)
                : throw new ArgumentException($"--since-time: {sinceTime} is not a valid (RFC3339) time");
        }

        return (null, null);
    }

    /// <summary>
    /// A JSON line as flux prints it, or null when the filter drops it. Lines that are not JSON (e.g. what the
    /// manager prints at start) are kept as they are when nothing but the namespace is filtered.
    /// </summary>
    internal static string? Format(string line, LogFilter filter, DateTimeOffset? since)
    {
        if (!line.StartsWith('{'))
        {
            return filter.Level is null && filter.Kind is null && filter.Name is null && line.Length > 0 ? line : null;
        }

        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(line);
            root = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return filter.Level is null && filter.Kind is null && filter.Name is null ? line : null;
        }

        string Field(string key) => root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? string.Empty : string.Empty;
        var ts = Field("ts");
        var level = Field("level");
        var kind = Field("reconciler kind") is { Length: > 0 } rk ? rk : Field("controllerKind");
        var name = Field("name");
        var ns = Field("namespace");
        if ((filter.Level is not null && filter.Level != level)
            || (filter.Kind is not null && !string.Equals(filter.Kind, kind, StringComparison.OrdinalIgnoreCase))
            || (filter.Name is not null && !string.Equals(filter.Name, name, StringComparison.OrdinalIgnoreCase))
            || (filter.Namespace is not null && !string.Equals(filter.Namespace, ns, StringComparison.OrdinalIgnoreCase))
            || (since is { } after && DateTimeOffset.TryParse(ts, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) && at < after))
        {
            return null;
        }

        var subject = name.Length > 0 ? $"{kind}/{name}.{ns}" : kind;
        var error = Field("error");
        return $"{ts} {level} {subject} - {Field("msg")}" + (error.Length > 0 ? " " + error : string.Empty);
    }

    /// <summary>What `logs` keeps: null fields match everything.</summary>
    internal sealed record LogFilter(string? Level, string? Kind, string? Name, string? Namespace);
}
