namespace FluxSharp.Controllers.Notification;

/// <summary>How the notification controller dispatches (Flux's notification-controller flags where there is one).</summary>
public sealed record NotificationOptions
{
    /// <summary>Identical events within this window are dropped (--rate-limit-interval, Flux's default 5m); zero: no limit.</summary>
    public TimeSpan RateLimitInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Events waiting to be matched; beyond this new events are dropped (logged).</summary>
    public int EventQueueCapacity { get; init; } = 100_000;

    /// <summary>Notifications waiting per Provider; beyond this new ones are dropped (logged, a Warning on the Alert).</summary>
    public int ProviderQueueCapacity { get; init; } = 10_000;

    /// <summary>Notifications sent at once per Provider.</summary>
    public int SendersPerProvider { get; init; } = 4;

    /// <summary>Block events from other namespaces than the Alert's (--no-cross-namespace-refs).</summary>
    public bool NoCrossNamespaceRefs { get; init; }
}
