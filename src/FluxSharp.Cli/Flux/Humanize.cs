using System.Globalization;

namespace FluxSharp.Cli.Flux;

/// <summary>How flux prints sizes and multi-line table cells (ages: FluxSharp.Formats.HumanDuration).</summary>
internal static class Humanize
{
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
