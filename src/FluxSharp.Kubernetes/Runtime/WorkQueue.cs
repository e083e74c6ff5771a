using System.Threading.Channels;
using FluxSharp.Kubernetes.Client;

namespace FluxSharp.Kubernetes.Runtime;

/// <summary>
/// The controller work queue: a key is queued at most once, never processed by two workers at once (a key added
/// while in flight is processed again after), delayed adds for RequeueAfter, and per-key exponential backoff
/// with a global rate limit for failures. Delays run on the given <see cref="TimeProvider"/> (a fake clock in tests).
/// </summary>
public sealed class WorkQueue : IDisposable
{
    private readonly object _lock = new();
    private readonly HashSet<ObjectKey> _queued = [];
    private readonly HashSet<ObjectKey> _processing = [];
    private readonly HashSet<ObjectKey> _dirty = [];
    private readonly Dictionary<ObjectKey, int> _failures = [];
    private readonly Dictionary<ObjectKey, CancellationTokenSource> _delayed = [];
    private readonly Channel<ObjectKey> _ready = Channel.CreateUnbounded<ObjectKey>();
    private readonly TokenBucket _bucket;
    private readonly TimeProvider _time;
    private bool _shutdown;

    public WorkQueue(TimeSpan? baseDelay = null, TimeSpan? maxDelay = null, double qps = 10, int burst = 100, TimeProvider? time = null)
    {
        BaseDelay = baseDelay ?? TimeSpan.FromMilliseconds(5);
        MaxDelay = maxDelay ?? TimeSpan.FromSeconds(1000);
        _time = time ?? TimeProvider.System;
        _bucket = new TokenBucket(qps, burst, _time);
    }

    public TimeSpan BaseDelay { get; }

    public TimeSpan MaxDelay { get; }

    /// <summary>Keys waiting or in flight (for tests and metrics).</summary>
    public int Length
    {
        get
        {
            lock (_lock)
            {
                return _queued.Count + _processing.Count;
            }
        }
    }

    /// <summary>Keys waiting for a delayed add (requeue or backoff) to come due.</summary>
    public int Waiting
    {
        get
        {
            lock (_lock)
            {
                return _delayed.Count;
            }
        }
    }

    public void Add(ObjectKey key)
    {
        lock (_lock)
        {
            if (_shutdown)
            {
                return;
            }

            CancelDelayed(key);
            if (_processing.Contains(key))
            {
                _dirty.Add(key);
                return;
            }

            if (_queued.Add(key))
            {
                _ready.Writer.TryWrite(key);
            }
        }
    }

    /// <summary>Adds the key after a delay (an earlier add wins; a later delayed add replaces a pending one).</summary>
    public void AddAfter(ObjectKey key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        CancellationTokenSource cts;
        Task due;
        lock (_lock)
        {
            if (_shutdown)
            {
                return;
            }

            CancelDelayed(key);
            cts = new CancellationTokenSource();
            _delayed[key] = cts;

            // The timer starts here, so a key counted in Waiting is timed from now (tests advance a fake clock after it).
            due = Task.Delay(delay, _time, cts.Token);
        }

        _ = AddWhenDueAsync(key, due, cts);
    }

    /// <summary>Adds the key after the per-key backoff (doubling from BaseDelay) or the global rate limit, whichever is longer.</summary>
    public TimeSpan AddRateLimited(ObjectKey key)
    {
        int failures;
        lock (_lock)
        {
            _failures.TryGetValue(key, out failures);
            _failures[key] = failures + 1;
        }

        var exp = BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 30));
        var delay = TimeSpan.FromMilliseconds(Math.Min(exp, MaxDelay.TotalMilliseconds));
        var bucketDelay = _bucket.Reserve();
        if (bucketDelay > delay)
        {
            delay = bucketDelay;
        }

        AddAfter(key, delay);
        return delay;
    }

    /// <summary>Clears a key's failure count after a successful reconcile.</summary>
    public void Forget(ObjectKey key)
    {
        lock (_lock)
        {
            _failures.Remove(key);
        }
    }

    public int Failures(ObjectKey key)
    {
        lock (_lock)
        {
            return _failures.TryGetValue(key, out var n) ? n : 0;
        }
    }

    /// <summary>Waits for the next key; the caller must call <see cref="Done"/> when finished with it.</summary>
    public async ValueTask<ObjectKey> TakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var key = await _ready.Reader.ReadAsync(cancellationToken);
            lock (_lock)
            {
                if (!_queued.Remove(key))
                {
                    continue;
                }

                _processing.Add(key);
                return key;
            }
        }
    }

    public void Done(ObjectKey key)
    {
        lock (_lock)
        {
            _processing.Remove(key);
            if (_dirty.Remove(key) && !_shutdown && _queued.Add(key))
            {
                _ready.Writer.TryWrite(key);
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _shutdown = true;
            foreach (var cts in _delayed.Values)
            {
                cts.Cancel();
                cts.Dispose();
            }

            _delayed.Clear();
        }

        _ready.Writer.TryComplete();
    }

    private void CancelDelayed(ObjectKey key)
    {
        if (_delayed.Remove(key, out var pending))
        {
            pending.Cancel();
            pending.Dispose();
        }
    }

    private async Task AddWhenDueAsync(ObjectKey key, Task due, CancellationTokenSource cts)
    {
        try
        {
            await due;
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        lock (_lock)
        {
            if (!_delayed.TryGetValue(key, out var current) || current != cts)
            {
                return;
            }

            _delayed.Remove(key);
            cts.Dispose();
        }

        Add(key);
    }

    /// <summary>Global rate limit for retries (client-go's default: 10 per second, burst 100).</summary>
    private sealed class TokenBucket(double qps, int burst, TimeProvider time)
    {
        private readonly object _lock = new();
        private double _tokens = burst;
        private DateTimeOffset _last = time.GetUtcNow();

        public TimeSpan Reserve()
        {
            lock (_lock)
            {
                var now = time.GetUtcNow();
                _tokens = Math.Min(burst, _tokens + ((now - _last).TotalSeconds * qps));
                _last = now;
                _tokens -= 1;
                return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / qps);
            }
        }
    }
}
