using System.Globalization;

namespace FluxSharp.Formats;

/// <summary>
/// k8s.io/apimachinery/pkg/util/duration.HumanDuration, which kubectl's AGE columns and flux's tables both print:
/// the compact ages "5s", "2m3s", "10m", "3h4m", "2d5h", "45d", "3y12d"; and the printers' translateTimestampSince.
/// </summary>
public static class HumanDuration
{
    public static string Format(TimeSpan d)
    {
        // Up to a second of clock skew in the future still reads as "0s".
        var seconds = (long)d.TotalSeconds;
        if (seconds < -1)
        {
            return "<invalid>";
        }

        if (seconds < 0)
        {
            return "0s";
        }

        if (seconds < 60 * 2)
        {
            return Invariant($"{seconds}s");
        }

        var minutes = (long)d.TotalMinutes;
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? Invariant($"{minutes}m") : Invariant($"{minutes}m{s}s");
        }

        if (minutes < 60 * 3)
        {
            return Invariant($"{minutes}m");
        }

        var hours = (long)d.TotalHours;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? Invariant($"{hours}h") : Invariant($"{hours}h{m}m");
        }

        if (hours < 48)
        {
            return Invariant($"{hours}h");
        }

        if (hours < 24 * 8)
        {
            var h = hours % 24;
            return h == 0 ? Invariant($"{hours / 24}d") : Invariant($"{hours / 24}d{h}h");
        }

        if (hours < 24 * 365 * 2)
        {
            return Invariant($"{hours / 24}d");
        }

        if (hours < 24 * 365 * 8)
        {
            var dy = hours / 24 % 365;
            return dy == 0 ? Invariant($"{hours / 24 / 365}y") : Invariant($"{hours / 24 / 365}y{dy}d");
        }

        return Invariant($"{hours / 24 / 365}y");
    }

    /// <summary>The age of an RFC3339 timestamp at <paramref name="now"/>; "&lt;unknown&gt;" when absent, as translateTimestampSince prints a zero time.</summary>
    public static string Since(string? timestamp, DateTimeOffset now) =>
        TryParse(timestamp, out var t) ? Format(now - t) : "<unknown>";

    /// <summary>Parses metav1.Time / MicroTime (RFC3339, optional fractional seconds).</summary>
    public static bool TryParse(string? timestamp, out DateTimeOffset value)
    {
        value = default;
        return !string.IsNullOrEmpty(timestamp)
            && DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value)
            && value != DateTimeOffset.MinValue;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
