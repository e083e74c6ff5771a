using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using FluxSharp.Api;
using FluxSharp.Api.Notification.V1beta3;
using FluxSharp.Kubernetes.Client;
using FluxSharp.Kubernetes.Runtime;
using k8s;
using Microsoft.Extensions.Logging;

namespace FluxSharp.Controllers.Notification;

/// <summary>
/// The "notification" controller (Alerts and Providers; Receivers are their own module): watches Alerts and
/// Providers into memory, subscribes the dispatcher to the manager's event hub, and sends notifications. Alert and
/// Provider v1beta3 have no status in Flux 2.9, so nothing is written to them; problems are Warning events.
/// </summary>
public sealed class NotificationControllerModule(NotificationOptions? options = null) : IControllerModule
{
    public const string ControllerName = "notification-controller";

    public string Name => "notification";

    /// <summary>The running dispatcher (for tests and the benchmark); null before start.</summary>
    public NotificationDispatcher? Dispatcher { get; private set; }

    public async Task RunAsync(ControllerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var logger = context.Logs.CreateLogger("FluxSharp.Controllers.Alert");
        var kube = new KubeClient(context.Kube);
        var alerts = new ObjectCache<Alert>();
        var providers = new ObjectCache<Provider>();
        var alertInformer = new Informer(new ResourceClient(kube, FluxResources.Alerts), context.WatchNamespace, logger) { Time = context.Time };
        var providerInformer = new Informer(new ResourceClient(kube, FluxResources.Providers), context.WatchNamespace, logger) { Time = context.Time };
        alertInformer.Changed += alerts.Apply;

        // Alert warnings are recorded as notification-controller's, not published: they are not alertable (no loop).
        var events = new EventRecorder(context.Kube, ControllerName, logger) { Time = context.Time };
        using var http = new ProviderHttp(context.Time);
        await using var dispatcher = new NotificationDispatcher(
            options ?? new NotificationOptions(),
            alerts.Values,
            (ns, name) => providers.Get(ns, name),
            (ev, ct) => LabelsAsync(kube, ev, ct),
            new ProviderResolver(context.Kube),
            http,
            events,
            logger,
            context.Time);
        providerInformer.Changed += change =>
        {
            providers.Apply(change);
            if (change.New is null)
            {
                _ = dispatcher.ForgetProviderAsync(change.Key.Namespace ?? string.Empty, change.Key.Name);
            }
        };
        Dispatcher = dispatcher;
        var watching = Task.WhenAll(alertInformer.RunAsync(cancellationToken), providerInformer.RunAsync(cancellationToken));
        await Task.WhenAll(alertInformer.Synced, providerInformer.Synced).WaitAsync(cancellationToken);
        using var subscription = context.Events.Subscribe(dispatcher);
        try
        {
            await Task.WhenAll(dispatcher.RunAsync(cancellationToken), watching);
        }
        finally
        {
            Dispatcher = null;
        }
    }

    /// <summary>The involved object's labels (for eventSources matchLabels); null when it cannot be read.</summary>
    private static async Task<IDictionary<string, string>?> LabelsAsync(KubeClient kube, NotificationEvent ev, CancellationToken cancellationToken)
    {
        var o = ev.InvolvedObject;
        if (string.IsNullOrEmpty(o.ApiVersion) || string.IsNullOrEmpty(o.Kind) || string.IsNullOrEmpty(o.Name))
        {
            return null;
        }

        var kind = o.Kind.ToLowerInvariant();
        var plural = kind.EndsWith('y') ? kind[..^1] + "ies" : kind + "s";
        var prefix = o.ApiVersion.Contains('/', StringComparison.Ordinal) ? "/apis/" : "/api/";
        var path = string.IsNullOrEmpty(o.NamespaceProperty)
            ? $"{prefix}{o.ApiVersion}/{plural}/{o.Name}"
            : $"{prefix}{o.ApiVersion}/namespaces/{o.NamespaceProperty}/{plural}/{o.Name}";
        try
        {
            var obj = await kube.GetAsync(path, cancellationToken);
            return (obj?["metadata"]?["labels"] as JsonObject)?.ToDictionary(kv => kv.Key, kv => kv.Value?.ToString() ?? string.Empty, StringComparer.Ordinal)
                ?? (obj is null ? null : new Dictionary<string, string>());
        }
        catch (KubeApiException)
        {
            return null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>Typed copies of the watched objects, deserialized once per change.</summary>
    private sealed class ObjectCache<T>
        where T : class, IKubernetesObject<k8s.Models.V1ObjectMeta>
    {
        private readonly ConcurrentDictionary<ObjectKey, T> _objects = new();
        private volatile IReadOnlyCollection<T> _snapshot = [];

        public IReadOnlyCollection<T> Values() => _snapshot;

        public T? Get(string ns, string name) => _objects.TryGetValue(new ObjectKey(ns, name), out var obj) ? obj : null;

        public void Apply(ObjectChange change)
        {
            if (change.New is null)
            {
                _objects.TryRemove(change.Key, out _);
            }
            else
            {
                try
                {
                    _objects[change.Key] = KubernetesJson.Deserialize<T>(change.New.ToJsonString());
                }
                catch (System.Text.Json.JsonException)
                {
                    _objects.TryRemove(change.Key, out _);
                }
            }

            _snapshot = _objects.Values.ToList();
        }
    }
}
