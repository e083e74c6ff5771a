using System.Diagnostics;
using FluxSharp.Api;
using FluxSharp.Kubernetes.Client;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace FluxSharp.Kubernetes.Runtime;

/// <summary>
/// Runs one kind's reconciler: an informer feeds a work queue (filtered by <see cref="ReconcilePredicate"/>),
/// workers take keys, read the cached object, reconcile it with a timeout, and requeue as the result asks or
/// with backoff on failure. Explicit <see cref="Enqueue"/> lets other kinds (sources, webhooks) trigger it.
/// </summary>
public sealed partial class Controller<T> : IDisposable
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IReconciler<T> _reconciler;
    private readonly ControllerOptions _options;
    private readonly ILogger _logger;
    private readonly WorkQueue _queue;

    public Controller(IKubernetes kube, ApiResource resource, IReconciler<T> reconciler, ControllerOptions options, ILogger logger)
    {
        Resource = resource;
        _reconciler = reconciler;
        _options = options;
        _logger = logger;
        _queue = new WorkQueue(options.BaseRetryDelay, options.MaxRetryDelay, time: options.TimeProvider);
        Informer = new Informer(new ResourceClient(kube, resource), options.Namespace, logger) { ResyncPeriod = options.ResyncPeriod, Time = options.TimeProvider };
        Informer.Changed += change =>
        {
            if (ReconcilePredicate.ShouldReconcile(change))
            {
                _queue.Add(change.Key);
            }
        };
    }

    public ApiResource Resource { get; }

    public Informer Informer { get; }

    /// <summary>The work queue (tests look at what waits in it).</summary>
    internal WorkQueue Queue => _queue;

    /// <summary>Queues a reconcile of one object now (e.g. its source changed).</summary>
    public void Enqueue(ObjectKey key) => _queue.Add(key);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var informer = Informer.RunAsync(cancellationToken);
        await Task.WhenAny(Informer.Synced, informer);
        var workers = Enumerable.Range(0, Math.Max(1, _options.Concurrency)).Select(_ => WorkAsync(cancellationToken)).ToList();
        workers.Add(informer);
        try
        {
            await Task.WhenAll(workers);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    public void Dispose() => _queue.Dispose();

    [LoggerMessage(Level = LogLevel.Error, Message = "{Kind} {Key} reconcile failed; retrying in {Delay}")]
    private static partial void LogReconcileFailed(ILogger logger, string kind, ObjectKey key, TimeSpan delay, Exception e);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Kind} {Key} reconciled in {Elapsed} ms")]
    private static partial void LogReconciled(ILogger logger, string kind, ObjectKey key, long elapsed);

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            ObjectKey key;
            try
            {
                key = await _queue.TakeAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (System.Threading.Channels.ChannelClosedException)
            {
                return;
            }

            try
            {
                await ReconcileKeyAsync(key, cancellationToken);
            }
            finally
            {
                _queue.Done(key);
            }
        }
    }

    private async Task ReconcileKeyAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var json = Informer.Get(key);
        if (json is null)
        {
            _queue.Forget(key);
            return;
        }

        var obj = KubernetesJson.Deserialize<T>(json.ToJsonString());
        // Everything logged while reconciling (by any logger of the same factory) carries the object, as Flux's lines do.
        using var scope = _logger.BeginScope(new ReconcileLogScope(Resource, key, Guid.NewGuid().ToString()));
        var time = _options.TimeProvider;
        var started = time.GetTimestamp();
        using var deadline = new CancellationTokenSource(_options.ReconcileTimeout, time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            var result = await _reconciler.ReconcileAsync(obj, timeout.Token);
            _queue.Forget(key);
            if (result.RequeueAfter is { } after)
            {
                _queue.AddAfter(key, after);
            }

            var elapsed = (long)time.GetElapsedTime(started).TotalMilliseconds;
            LogReconciled(_logger, Resource.Kind, key, elapsed);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: nothing to retry.
        }
#pragma warning disable CA1031 // A failing reconcile is retried with backoff; it must not stop the worker.
        catch (Exception e)
#pragma warning restore CA1031
        {
            var delay = _queue.AddRateLimited(key);
            LogReconcileFailed(_logger, Resource.Kind, key, delay, e);
        }
        finally
        {
            ControllerMetrics.ReconcileDuration.WithLabels(Resource.Kind, key.Name, key.Namespace ?? string.Empty).Observe(time.GetElapsedTime(started).TotalSeconds);
        }
    }
}
