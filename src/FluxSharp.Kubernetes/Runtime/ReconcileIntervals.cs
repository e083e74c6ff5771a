using FluxSharp.Api;

namespace FluxSharp.Kubernetes.Runtime;

/// <summary>An object's intervals, parsed: null where the kind has no such field.</summary>
public sealed record ReconcileIntervals(TimeSpan? Interval, TimeSpan? Timeout, TimeSpan? RetryInterval)
{
    public static ReconcileIntervals None { get; } = new(null, null, null);

    /// <summary>Parses spec.interval, spec.timeout and spec.retryInterval; a bad value stalls the object naming the field.</summary>
    public static ReconcileIntervals Parse(IFluxObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return new(Field("spec.interval", obj.Interval), Field("spec.timeout", obj.Timeout), Field("spec.retryInterval", obj.RetryInterval));
    }

    private static TimeSpan? Field(string name, string? text) =>
        text is null ? null
        : GoDuration.TryParse(text, out var value) && value > TimeSpan.Zero ? value
        : throw new StallingException(ConditionReasons.Failed, $"{name}: \"{text}\" is not a positive duration (e.g. 1m, 5m30s)");
}
