using System.Collections.Concurrent;
using System.Globalization;
using FluxSharp.Kubernetes.Client;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace FluxSharp.Kubernetes.Runtime;

/// <summary>An event as Flux's controllers emit it: about one object, with a reason, a message and metadata (e.g. the revision).</summary>
public sealed record FluxEvent(
    V1ObjectReference InvolvedObject,
    string Type,
    string Reason,
    string Message,
    IReadOnlyDictionary<string, string> Metadata,
    string ReportingController,
    DateTimeOffset Timestamp)
{
    /// <summary>The instance that reported it (Flux's reportingInstance, e.g. a pod name); null when unknown.</summary>
    public string? ReportingInstance { get; init; }
}

/// <summary>
/// Records Kubernetes events (core/v1) the way client-go's recorder does: identical events within a window are
/// aggregated into one with a growing count. Every event also goes to in-process sinks (the notification
/// pipeline). Failures to record are logged, never thrown: events must not break a reconcile.
/// </summary>
public sealed partial class EventRecorder
{
    private readonly IKubernetes _kube;
    private readonly string _component;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, (string Name, int Count, DateTimeOffset First)> _recent = new(StringComparer.Ordinal);

    public EventRecorder(IKubernetes kube, string component, ILogger logger)
    {
        _kube = kube;
        _component = component;
        _logger = logger;
    }

    /// <summary>Object annotations with this prefix are added to every event's metadata, as Flux's recorder does.</summary>
    public const string EventAnnotationPrefix = "event.toolkit.fluxcd.io/";

    /// <summary>In-process receivers of every event (e.g. alerts).</summary>
    public List<Action<FluxEvent>> Sinks { get; } = [];

    /// <summary>The manager's hub every event is published to (the notification pipeline); null: none.</summary>
    public EventSinks? Hub { get; init; }

    /// <summary>The clock of event timestamps and aggregation.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Identical events within this window are counted on one Event object.</summary>
    public TimeSpan AggregationWindow { get; init; } = TimeSpan.FromMinutes(5);

    public Task NormalAsync(IKubernetesObject<V1ObjectMeta> obj, string reason, string message, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) =>
        RecordAsync(obj, "Normal", reason, message, metadata, cancellationToken);

    public Task WarningAsync(IKubernetesObject<V1ObjectMeta> obj, string reason, string message, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) =>
        RecordAsync(obj, "Warning", reason, message, metadata, cancellationToken);

    public async Task RecordAsync(IKubernetesObject<V1ObjectMeta> obj, string type, string reason, string message, IReadOnlyDictionary<string, string>? metadata, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var now = Time.GetUtcNow();
        var involved = new V1ObjectReference
        {
            ApiVersion = obj.ApiVersion,
            Kind = obj.Kind,
            Name = obj.Metadata.Name,
            NamespaceProperty = obj.Metadata.NamespaceProperty,
            Uid = obj.Metadata.Uid,
            ResourceVersion = obj.Metadata.ResourceVersion,
        };
        metadata = WithEventAnnotations(obj, metadata);
        var ev = new FluxEvent(involved, type, reason, message, metadata, _component, now) { ReportingInstance = Environment.MachineName };
        foreach (var sink in Sinks)
        {
            sink(ev);
        }

        Hub?.Publish(ev);

        // As Flux's recorder: every event is also a log line (errors for warnings), so `flux logs` tells the same story.
        if (type == "Warning")
        {
            LogWarningEvent(_logger, message);
        }
        else
        {
            LogNormalEvent(_logger, message);
        }

        var ns = obj.Metadata.NamespaceProperty ?? "default";
        var key = string.Join('\u0001', involved.Uid, type, reason, message);
        try
        {
            if (_recent.TryGetValue(key, out var seen) && now - seen.First < AggregationWindow)
            {
                var count = seen.Count + 1;
                _recent[key] = (seen.Name, count, seen.First);
                var patch = new V1Patch($"{{\"count\":{count},\"lastTimestamp\":\"{now.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}\"}}", V1Patch.PatchType.MergePatch);
                await KubeApiException.CallAsync(() => _kube.CoreV1.PatchNamespacedEventAsync(patch, seen.Name, ns, cancellationToken: cancellationToken));
                return;
            }

            var name = $"{obj.Metadata.Name}.{now.ToUnixTimeMilliseconds().ToString("x", CultureInfo.InvariantCulture)}{Random.Shared.Next(0x1000):x3}";
            var annotations = (metadata ?? new Dictionary<string, string>()).ToDictionary(kv => kv.Key, kv => kv.Value);
            var body = new Corev1Event
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Annotations = annotations.Count > 0 ? annotations : null },
                InvolvedObject = involved,
                Type = type,
                Reason = reason,
                Message = message,
                Source = new V1EventSource { Component = _component },
                ReportingComponent = _component,
                ReportingInstance = _component,
                FirstTimestamp = now.UtcDateTime,
                LastTimestamp = now.UtcDateTime,
                Count = 1,
            };
            await KubeApiException.CallAsync(() => _kube.CoreV1.CreateNamespacedEventAsync(body, ns, cancellationToken: cancellationToken));
            _recent[key] = (name, 1, now);
        }
        catch (KubeApiException e)
        {
            _recent.TryRemove(key, out _);
            LogEventFailed(_logger, reason, obj.Metadata.Name, e.Code, e);
        }
        catch (HttpRequestException e)
        {
            LogEventFailed(_logger, reason, obj.Metadata.Name, null, e);
        }
    }

    /// <summary>The event's metadata plus the object's event.toolkit.fluxcd.io/ annotations (Flux's recorder adds them to every event).</summary>
    private static IReadOnlyDictionary<string, string> WithEventAnnotations(IKubernetesObject<V1ObjectMeta> obj, IReadOnlyDictionary<string, string>? metadata)
    {
        var annotations = obj.Metadata.Annotations?.Where(a => a.Key.StartsWith(EventAnnotationPrefix, StringComparison.Ordinal)).ToList();
        if (annotations is null || annotations.Count == 0)
        {
            return metadata ?? new Dictionary<string, string>();
        }

        var merged = metadata?.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal) ?? new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in annotations)
        {
            merged[key] = value;
        }

        return merged;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Message}")]
    private static partial void LogNormalEvent(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Message}")]
    private static partial void LogWarningEvent(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "could not record event {Reason} for {Name} ({Status})")]
    private static partial void LogEventFailed(ILogger logger, string reason, string name, System.Net.HttpStatusCode? status, Exception e);
}
