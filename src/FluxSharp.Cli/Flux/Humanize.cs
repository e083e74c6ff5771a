using System.Globalization;

namespace FluxSharp.Cli.Flux;

/// <summary>How kubectl and flux print ages, sizes and multi-line table cells.</summary>
internal static class Humanize
{
    /// <summary>kubectl's age (apimachinery's HumanDuration): 45s, 3m2s, 15m, 5h3m, 2d4h, 1y30d.</summary>
    public static string Duration(TimeSpan d)
    {
        var seconds = (long)d.TotalSeconds;
        if (seconds < -1)
        {
            return "<invalid>";
        }

        if (seconds < 0)
        {
            return "0s";
        }

        if (seconds < 120)
        {
            return Invariant($"{seconds}s");
        }

        var minutes = seconds / 60;
        if (minutes < 10)
        {
            return seconds % 60 == 0 ? Invariant($"{minutes}m") : Invariant($"{minutes}m{seconds % 60}s");
        }

        if (minutes < 180)
        {
            return Invariant($"{minutes}m");
        }

        var hours = minutes / 60;
        if (hours < 8)
        {
            return minutes % 60 == 0 ? Invariant($"{hours}h") : Invariant($"{hours}h{minutes % 60}m");
        }

        if (hours < 48)
        {
            return Invariant($"{hours}h");
        }

        var days = hours / 24;
        if (hours < 24 * 8)
        {
            return hours % 24 == 0 ? Invariant($"{days}d") : Invariant($"{days}d{hours % 24}h");
        }

        if (hours < 24 * 365 * 2)
        {
            return Invariant($"{days}d");
        }

        if (hours < 24 * 365 * 8)
        {
            return days % 365 == 0 ? Invariant($"{days / 365}y") : Invariant($"{days / 365}y{days % 365}d");
        }

        return Invariant($"{days / 365}y");
    }

    /// <summary>flux stats' size: "-" for nothing, bytes below 1 KiB, else one decimal and a binary unit ("1.2 KiB").</summary>
    public static string Size(long bytes)
    {
        if (bytes == 0)
        {
            return "-";
        }

        if (bytes < 1024)
        {
            return Invariant($"{bytes} B");
        }

        long div = 1024;
        var exp = 0;
        for (var n = bytes / 1024; n >= 1024; n /= 1024)
        {
            div *= 1024;
            exp++;
        }

        return ((double)bytes / div).ToString("0.0", CultureInfo.InvariantCulture) + " " + "KMGTPE"[exp] + "iB";
    }

    /// <summary>As flux's table writer: a cell with newlines continues on the next lines, the other cells blank.</summary>
    public static IEnumerable<string[]> Lines(string[] row)
    {
        var cells = row.Select(c => c.Split('\n')).ToArray();
        var height = cells.Max(c => c.Length);
        for (var i = 0; i < height; i++)
        {
            yield return cells.Select(c => i < c.Length ? c[i] : string.Empty).ToArray();
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
