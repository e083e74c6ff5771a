namespace FluxSharp.Api;

/// <summary>Validation patterns Flux's CRDs use.</summary>
public static class FluxPatterns
{
    /// <summary>A Go duration with ms, s, m or h units, e.g. "1m30s" (intervals, timeouts).</summary>
    public const string Duration = @"^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$";

    /// <summary>A Go duration without hours (GitRepository spec.timeout).</summary>
    public const string ShortDuration = @"^([0-9]+(\.[0-9]+)?(ms|s|m))+$";
}
