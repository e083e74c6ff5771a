using System.Globalization;
using System.Text.RegularExpressions;

namespace FluxSharp.Api;

/// <summary>Durations as Flux's fields write them (Go's format: "1m", "5m30s", "1h", "500ms", "1.5h").</summary>
public static partial class GoDuration
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (text == "0")
        {
            return true;
        }

        var matches = Part().Matches(text);
        if (matches.Count == 0 || string.Concat(matches.Select(m => m.Value)) != text)
        {
            return false;
        }

        double ms = 0;
        foreach (Match m in matches)
        {
            var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            ms += m.Groups[2].Value switch
            {
                "h" => n * 3_600_000,
                "m" => n * 60_000,
                "s" => n * 1000,
                "ms" => n,
                "us" or "µs" => n / 1000,
                _ => n / 1_000_000,
            };
        }

        value = TimeSpan.FromMilliseconds(ms);
        return true;
    }

    /// <summary>Parses or throws a FormatException naming the field.</summary>
    public static TimeSpan Parse(string? text, string field) =>
        TryParse(text, out var value) ? value : throw new FormatException($"{field}: \"{text}\" is not a duration (use e.g. 30s, 5m, 1h)");

    /// <summary>Formats like Go's time.Duration.String() for whole seconds ("1m0s", "1h0m0s", "30s").</summary>
    public static string Format(TimeSpan d)
    {
        if (d < TimeSpan.FromSeconds(1))
        {
            return ((long)d.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";
        }

        var h = (long)d.TotalHours;
        var m = d.Minutes;
        var s = d.Seconds;
        return h > 0 ? $"{h}h{m}m{s}s" : m > 0 ? $"{m}m{s}s" : $"{s}s";
    }

    [GeneratedRegex(@"([0-9]+(?:\.[0-9]*)?)(h|ms|m|s|us|µs|ns)")]
    private static partial Regex Part();
}
