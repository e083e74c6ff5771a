using System.Text.Json.Nodes;
using FluxSharp.Api;
using FluxSharp.Kubernetes.Client;
using k8s;
using Microsoft.Extensions.Logging;

namespace FluxSharp.Kubernetes.Runtime;

/// <summary>A change seen by an informer: the object before (null when new) and after (null when deleted).</summary>
public sealed record ObjectChange(ObjectKey Key, JsonObject? Old, JsonObject? New, bool Resync = false);

/// <summary>
/// Keeps a local copy of one resource (all namespaces or one) by list + watch: re-watches from the last
/// resourceVersion when a stream ends, lists again on 410 Gone, backs off on errors, and replays every object
/// each resync period. Handlers run on the informer's loop, so they should only enqueue.
/// </summary>
public sealed partial class Informer
{
    private readonly ResourceClient _client;
    private readonly string? _namespace;
    private readonly ILogger _logger;
    private readonly Dictionary<ObjectKey, JsonObject> _cache = [];
    private readonly object _lock = new();
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _watches;

    public Informer(ResourceClient client, string? watchNamespace, ILogger logger)
    {
        _client = client;
        _namespace = watchNamespace;
        _logger = logger;
    }

    public event Action<ObjectChange>? Changed;

    public ApiResource Resource => _client.Resource;

    /// <summary>How often every cached object is replayed as a resync change.</summary>
    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The clock of resyncs and error backoff.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How long one watch request may stay open before it is renewed.</summary>
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Completes once the first list has filled the cache.</summary>
    public Task Synced => _synced.Task;

    /// <summary>Watch requests made so far (each renewal is one more).</summary>
    internal int WatchesStarted => Volatile.Read(ref _watches);

    public JsonObject? Get(ObjectKey key)
    {
        lock (_lock)
        {
            return _cache.TryGetValue(key, out var o) ? o : null;
        }
    }

    public IReadOnlyList<JsonObject> List()
    {
        lock (_lock)
        {
            return _cache.Values.ToList();
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        var nextResync = Time.GetUtcNow() + ResyncPeriod;
        string? resourceVersion = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (resourceVersion is null)
                {
                    resourceVersion = await RelistAsync(cancellationToken);
                    _synced.TrySetResult();
                }

                using var resyncDue = new CancellationTokenSource(Max(TimeSpan.Zero, nextResync - Time.GetUtcNow()), Time);
                using var resync = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, resyncDue.Token);
                try
                {
                    Interlocked.Increment(ref _watches);
                    await foreach (var ev in _client.WatchAsync(_namespace, resourceVersion, WatchTimeout, resync.Token))
                    {
                        resourceVersion = (string?)ev.Object["metadata"]?["resourceVersion"] ?? resourceVersion;
                        Apply(ev);
                        backoff = TimeSpan.FromMilliseconds(100);
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // Resync time.
                }

                if (Time.GetUtcNow() >= nextResync)
                {
                    nextResync = Time.GetUtcNow() + ResyncPeriod;
                    foreach (var (key, obj) in Snapshot())
                    {
                        Changed?.Invoke(new ObjectChange(key, obj, obj, Resync: true));
                    }
                }
            }
            catch (ResourceVersionExpiredException)
            {
                resourceVersion = null;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The informer must survive any API error and retry.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogWatchFailed(_logger, _client.Resource.ToString(), backoff, e);
                try
                {
                    await Task.Delay(backoff, Time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    // Stopped while backing off: a normal end, as when stopped while watching.
                    return;
                }

                backoff = Min(backoff * 2, TimeSpan.FromSeconds(30));
                resourceVersion = null;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "watch of {Resource} failed; retrying in {Backoff}")]
    private static partial void LogWatchFailed(ILogger logger, string resource, TimeSpan backoff, Exception e);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static ObjectKey KeyOf(JsonObject obj) =>
        new((string?)obj["metadata"]?["namespace"], (string?)obj["metadata"]?["name"] ?? string.Empty);

    private List<KeyValuePair<ObjectKey, JsonObject>> Snapshot()
    {
        lock (_lock)
        {
            return _cache.ToList();
        }
    }

    private async Task<string> RelistAsync(CancellationToken cancellationToken)
    {
        var (items, rv) = await _client.ListAsync(_namespace, cancellationToken);
        var fresh = items.ToDictionary(KeyOf);
        var changes = new List<ObjectChange>();
        lock (_lock)
        {
            foreach (var (key, old) in _cache)
            {
                if (!fresh.ContainsKey(key))
                {
                    changes.Add(new ObjectChange(key, old, null));
                }
            }

            foreach (var (key, obj) in fresh)
            {
                _cache.TryGetValue(key, out var old);
                if (old is null || (string?)old["metadata"]?["resourceVersion"] != (string?)obj["metadata"]?["resourceVersion"])
                {
                    changes.Add(new ObjectChange(key, old, obj));
                }
            }

            _cache.Clear();
            foreach (var (key, obj) in fresh)
            {
                _cache[key] = obj;
            }
        }

        foreach (var c in changes)
        {
            Changed?.Invoke(c);
        }

        return rv;
    }

    private void Apply(ResourceEvent ev)
    {
        if (ev.Type == WatchEventType.Bookmark)
        {
            return;
        }

        var key = KeyOf(ev.Object);
        JsonObject? old;
        lock (_lock)
        {
            _cache.TryGetValue(key, out old);
            if (ev.Type == WatchEventType.Deleted)
            {
                _cache.Remove(key);
            }
            else
            {
                _cache[key] = ev.Object;
            }
        }

        Changed?.Invoke(new ObjectChange(key, old, ev.Type == WatchEventType.Deleted ? null : ev.Object));
    }
}
