using System.Globalization;
using System.Text;

namespace FluxSharp.LocalCluster.Protobuf;

/// <summary>
/// The JSON text Kubernetes' Go types produce for values that travel as numbers in protobuf:
/// metav1.Time (RFC3339, seconds), metav1.MicroTime (RFC3339 with microseconds) and metav1.Duration
/// (Go's time.Duration string, "1h0m0s").
/// </summary>
internal static class GoJsonFormat
{
    public static string Time(long seconds) =>
        FromUnix(seconds, 0).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string MicroTime(long seconds, int nanos) =>
        FromUnix(seconds, nanos).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Go's time.Duration.String: "0s", "1.5µs", "300ms", "2.5s", "1m0s", "1h2m3s", with a leading "-" when negative.</summary>
    public static string Duration(long nanoseconds)
    {
        if (nanoseconds == 0)
        {
            return "0s";
        }

        var negative = nanoseconds < 0;
        var u = negative ? (ulong)-(nanoseconds + 1) + 1 : (ulong)nanoseconds;
        var text = new StringBuilder();
        if (u < 1_000_000_000)
        {
            // Under a second Go picks the largest unit that keeps an integer part.
            if (u < 1_000)
            {
                text.Append(u.ToString(CultureInfo.InvariantCulture)).Append("ns");
            }
            else if (u < 1_000_000)
            {
                text.Append(Fraction(u, 3)).Append("µs");
            }
            else
            {
                text.Append(Fraction(u, 6)).Append("ms");
            }
        }
        else
        {
            var seconds = Fraction(u % 60_000_000_000, 9) + "s";
            var minutes = u / 60_000_000_000;
            if (minutes > 0)
            {
                var hours = minutes / 60;
                seconds = (minutes % 60).ToString(CultureInfo.InvariantCulture) + "m" + seconds;
                if (hours > 0)
                {
                    seconds = hours.ToString(CultureInfo.InvariantCulture) + "h" + seconds;
                }
            }

            text.Append(seconds);
        }

        return negative ? "-" + text : text.ToString();
    }

    /// <summary>value / 10^digits with the fractional part's trailing zeros (and a bare point) dropped.</summary>
    private static string Fraction(ulong value, int digits)
    {
        ulong scale = 1;
        for (var i = 0; i < digits; i++)
        {
            scale *= 10;
        }

        var whole = (value / scale).ToString(CultureInfo.InvariantCulture);
        var fraction = (value % scale).ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
        return fraction.Length == 0 ? whole : whole + "." + fraction;
    }

    private static DateTime FromUnix(long seconds, int nanos)
    {
        try
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.AddTicks(nanos / 100);
        }
        catch (ArgumentOutOfRangeException)
        {
            throw ProtoWireReader.Malformed($"timestamp {seconds}s out of range");
        }
    }
}
