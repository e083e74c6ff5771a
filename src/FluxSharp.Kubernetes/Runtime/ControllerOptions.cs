namespace FluxSharp.Kubernetes.Runtime;

/// <summary>How one controller runs.</summary>
public sealed class ControllerOptions
{
    /// <summary>Objects reconciled at the same time (Flux's --concurrent).</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>Only this namespace is watched; null watches all.</summary>
    public string? Namespace { get; set; }

    /// <summary>Upper bound for one reconcile; it is cancelled after this.</summary>
    public TimeSpan ReconcileTimeout { get; set; } = TimeSpan.FromMinutes(10);

    public TimeSpan ResyncPeriod { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Failure backoff: first retry after this, doubling up to <see cref="MaxRetryDelay"/> (Flux: --min-retry-delay 750ms, --max-retry-delay 15m).</summary>
    public TimeSpan BaseRetryDelay { get; set; } = TimeSpan.FromMilliseconds(750);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The clock of requeues, backoff, resync and the reconcile timeout (a fake one in tests).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
