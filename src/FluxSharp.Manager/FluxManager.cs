using FluxSharp.Controllers;
using FluxSharp.Kubernetes.Runtime;
using FluxSharp.Controllers.Notification.Receivers;
using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FluxSharp.Manager;

/// <summary>
/// The single FluxSharp controller process: hosts the chosen controllers, the artifact HTTP server, and the
/// metrics and health endpoints. With leader election, controllers run only while this instance holds the Lease.
/// </summary>
public sealed partial class FluxManager : IAsyncDisposable
{
    private readonly WebApplication _artifacts;
    private readonly WebApplication _metrics;
    private WebApplication? _events;

    private WebApplication? _receiver;
    private readonly CancellationTokenSource _stop;
    private readonly Task _run;
    private readonly IKubernetes _kube;
    private volatile bool _ready;

    private FluxManager(WebApplication artifacts, Uri artifactUrl, WebApplication metrics, Uri metricsUrl, IKubernetes kube, CancellationTokenSource stop, Func<FluxManager, Task> run)
    {
        _artifacts = artifacts;
        ArtifactBaseUrl = artifactUrl;
        _metrics = metrics;
        MetricsUrl = metricsUrl;
        _kube = kube;
        _stop = stop;
        _run = run(this);
    }

    /// <summary>Where artifacts are served (status.artifact.url starts with it).</summary>
    public Uri ArtifactBaseUrl { get; }

    /// <summary>Base URL of /metrics, /healthz and /readyz.</summary>
    public Uri MetricsUrl { get; }

    /// <summary>Where Flux's event JSON is accepted (POST /), reaching the Alerts; null when not served.</summary>
    public Uri? EventsUrl { get; private set; }

    /// <summary>The event hub every controller's recorder publishes to (the notification controller subscribes).</summary>
    public EventSinks Events { get; private init; } = new();
    /// <summary>Base URL of the webhook receiver server (Receivers' status.webhookPath is appended); null when it does not run.</summary>
    public Uri? ReceiverUrl { get; private set; }

    /// <summary>Completes when the manager stops (cancelled or failed).</summary>
    public Task Completion => _run;

    public static async Task<FluxManager> StartAsync(ManagerOptions options, IReadOnlyList<IControllerModule> modules, ILoggerFactory logs, IKubernetes? kube = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(modules);
        var logger = logs.CreateLogger("FluxSharp.Manager");
        var config = options.Kubeconfig is not null || kube is null ? BuildConfig(options) : null;
        kube ??= new k8s.Kubernetes(config!);
        Directory.CreateDirectory(options.StoragePath);
        var storageRoot = Path.GetFullPath(options.StoragePath);

        var advertised = options.StorageAdvertisedAddress is { } adv ? AdvertisedUrl(adv) : null;
        var storage = new FluxSharp.Sources.Artifacts.ArtifactStorage(storageRoot, "http://unused");
        var (artifacts, boundUrl) = await HttpEndpoints.StartAsync(options.StorageAddress, ctx => ServeArtifactAsync(ctx, storage), cancellationToken);

        // The source controllers rewrite status.artifact.url to this on every reconcile, so a new port or a new
        // --storage-adv-addr reaches every source after a restart without a new revision.
        var artifactUrl = advertised ?? boundUrl;
        FluxManager? self = null;
        WebApplication metrics;
        Uri metricsUrl;
        try
        {
            (metrics, metricsUrl) = await HttpEndpoints.StartAsync(options.MetricsAddress, ctx => ServeMetricsAsync(ctx, () => self?._ready == true), cancellationToken);
        }
        catch
        {
            // Do not keep the artifact port bound when start-up fails (a caller may retry on other ports).
            await artifacts.DisposeAsync();
            throw;
        }

        var hub = new EventSinks();
        WebApplication? events = null;
        Uri? eventsUrl = null;
        if (!string.IsNullOrEmpty(options.EventsAddress))
        {
            try
            {
                (events, eventsUrl) = await HttpEndpoints.StartAsync(options.EventsAddress, ctx => EventsEndpoint.ServeAsync(ctx, hub, logger), cancellationToken);
            }
            catch
            {
                await artifacts.DisposeAsync();
                await metrics.DisposeAsync();
                throw;
            }
        }

        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var selected = modules.Where(m => options.Runs(m.Name)).ToList();
        var context = new ControllerContext(kube, logs, options.WatchNamespace, options.Concurrency, storageRoot, artifactUrl) { ClientConfig = config, Time = options.TimeProvider, Events = hub, AllowFileUrls = options.AllowFileUrls };
        self = new FluxManager(artifacts, artifactUrl, metrics, metricsUrl, kube, stop, m => m.RunAsync(options, selected, context, logger, stop.Token)) { _events = events, EventsUrl = eventsUrl, Events = hub };
        if (options.ReceiverAddress is { } receiverAddress && selected.Any(m => m is ReceiverControllerModule))
        {
            // As notification-controller's receiver server: it answers whether or not this instance leads.
            try
            {
                var handler = new ReceiverWebhookHandler(kube, options.WatchNamespace, logs.CreateLogger("FluxSharp.ReceiverServer"), options.TimeProvider);
                (self._receiver, self.ReceiverUrl) = await HttpEndpoints.StartAsync(receiverAddress, ctx => ServeWebhookAsync(ctx, handler), cancellationToken);
            }
            catch
            {
                await self.DisposeAsync();
                throw;
            }
        }

        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _run;
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        await _artifacts.DisposeAsync();
        await _metrics.DisposeAsync();
        if (_events is not null)
        {
            await _events.DisposeAsync();
        }

        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }

        _stop.Dispose();
    }

    /// <summary>--storage-adv-addr: host[:port] as Flux takes it, written into artifact URLs as http://host:port.</summary>
    internal static Uri AdvertisedUrl(string address) =>
        Uri.TryCreate("http://" + address, UriKind.Absolute, out var url) && url.PathAndQuery == "/" && url.UserInfo.Length == 0 && address.Length > 0
            ? url
            : throw new ArgumentException($"--storage-adv-addr \"{address}\": expected host[:port], such as source-controller.flux-system.svc.cluster.local.:80");

    private static KubernetesClientConfiguration BuildConfig(ManagerOptions options) =>
        options.Kubeconfig is not null ? KubernetesClientConfiguration.BuildConfigFromConfigFile(options.Kubeconfig)
        : KubernetesClientConfiguration.IsInCluster() ? KubernetesClientConfiguration.InClusterConfig()
        : KubernetesClientConfiguration.BuildDefaultConfig();

    [LoggerMessage(Level = LogLevel.Information, Message = "starting controllers: {Controllers}")]
    private static partial void LogStarting(ILogger logger, string controllers);

    [LoggerMessage(Level = LogLevel.Information, Message = "waiting for leadership of lease {Namespace}/{Name}")]
    private static partial void LogWaitingForLease(ILogger logger, string @namespace, string name);

    [LoggerMessage(Level = LogLevel.Error, Message = "controller {Controller} stopped with an error")]
    private static partial void LogControllerFailed(ILogger logger, string controller, Exception e);

    /// <summary>Serves stored artifacts; anything that is not one (traversal, temp files, links) is 404.</summary>
    private static async Task ServeArtifactAsync(HttpContext http, FluxSharp.Sources.Artifacts.ArtifactStorage storage)
    {
        if (http.Request.Method is not ("GET" or "HEAD") || !storage.TryResolve(http.Request.Path.Value ?? "/", out var full))
        {
            http.Response.StatusCode = 404;
            return;
        }

        http.Response.ContentType = "application/gzip";
        await http.Response.SendFileAsync(full, http.RequestAborted);
    }

    /// <summary>A webhook call, handed to the Receivers' handler with the request URI exactly as sent (Flux matches it whole).</summary>
    private static async Task ServeWebhookAsync(HttpContext http, ReceiverWebhookHandler handler)
    {
        var body = await ReceiverWebhookHandler.ReadBodyAsync(http.Request.Body, http.RequestAborted);
        if (body is null)
        {
            http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        var headers = http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var uri = http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? (http.Request.Path + http.Request.QueryString).ToString();
        http.Response.StatusCode = await handler.HandleAsync(new WebhookRequest(uri, headers, body), http.RequestAborted);
    }

    private static async Task ServeMetricsAsync(HttpContext http, Func<bool> ready)
    {
        switch (http.Request.Path.Value)
        {
            case "/metrics":
                http.Response.ContentType = "text/plain; version=0.0.4";
                await Prometheus.Metrics.DefaultRegistry.CollectAndExportAsTextAsync(http.Response.Body, http.RequestAborted);
                return;
            case "/healthz":
                await http.Response.WriteAsync("ok", http.RequestAborted);
                return;
            case "/readyz":
                http.Response.StatusCode = ready() ? 200 : 503;
                await http.Response.WriteAsync(ready() ? "ok" : "not ready", http.RequestAborted);
                return;
            default:
                http.Response.StatusCode = 404;
                return;
        }
    }

    private async Task RunAsync(ManagerOptions options, List<IControllerModule> modules, ControllerContext context, ILogger logger, CancellationToken cancellationToken)
    {
        await Task.Yield();
        if (!options.LeaderElection)
        {
            await RunControllersAsync(modules, context, logger, cancellationToken);
            return;
        }

        var identity = $"{Environment.MachineName}_{Guid.NewGuid():N}";
        var lease = new LeaseLock(_kube, options.LeaderElectionNamespace, options.LeaderElectionId, identity);
        using var elector = new LeaderElector(new LeaderElectionConfig(lease)
        {
            LeaseDuration = TimeSpan.FromSeconds(35),
            RenewDeadline = TimeSpan.FromSeconds(30),
            RetryPeriod = TimeSpan.FromSeconds(5),
        });
        using var leading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task? controllers = null;
        elector.OnStartedLeading += () => controllers = RunControllersAsync(modules, context, logger, leading.Token);
        elector.OnStoppedLeading += leading.Cancel;
        LogWaitingForLease(logger, options.LeaderElectionNamespace, options.LeaderElectionId);
        await elector.RunUntilLeadershipLostAsync(cancellationToken);
        await leading.CancelAsync();
        if (controllers is not null)
        {
            await controllers;
        }
    }

    private async Task RunControllersAsync(List<IControllerModule> modules, ControllerContext context, ILogger logger, CancellationToken cancellationToken)
    {
        var names = string.Join(", ", modules.Select(m => m.Name));
        LogStarting(logger, names);
        _ready = true;
        var runs = modules.Select(async m =>
        {
            try
            {
                await m.RunAsync(context, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopping.
            }
#pragma warning disable CA1031 // One controller failing must not take the others down.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogControllerFailed(logger, m.Name, e);
            }
        });
        await Task.WhenAll(runs);
        _ready = false;
    }
}
