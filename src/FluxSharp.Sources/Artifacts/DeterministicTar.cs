using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace FluxSharp.Sources.Artifacts;

/// <summary>
/// Writes a reproducible tar.gz of a directory, like Flux's storage.Archive: regular files only (no
/// symlinks, no .git), entries sorted by path, mtime 0, uid/gid 0, no user/group names, mode 0644
/// (0744 when any executable bit is set). Same tree, same bytes.
/// </summary>
internal static class DeterministicTar
{
    private const int Block = 512;

    public static async Task<(int Files, long Bytes)> WriteAsync(string sourceDir, SourceIgnore ignore, Stream output, CancellationToken ct)
    {
        var files = new List<(string Rel, string Full)>();
        Collect(sourceDir, string.Empty, ignore, files);
        files.Sort((a, b) => string.CompareOrdinal(a.Rel, b.Rel));
        return await WriteEntriesAsync(files, output, ct);
    }

    /// <summary>A tar.gz holding one file at its root (<c>flux push artifact --path=file.yaml</c>).</summary>
    public static Task<(int Files, long Bytes)> WriteFileAsync(string file, Stream output, CancellationToken ct) =>
        WriteEntriesAsync([(Path.GetFileName(file), file)], output, ct);

    private static async Task<(int Files, long Bytes)> WriteEntriesAsync(List<(string Rel, string Full)> files, Stream output, CancellationToken ct)
    {
        long bytes = 0;
        await using var gz = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true);
        var buffer = new byte[81920];
        foreach (var (rel, full) in files)
        {
            ct.ThrowIfCancellationRequested();
            var info = new FileInfo(full);
            bool exec = !OperatingSystem.IsWindows() &&
                (info.UnixFileMode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
            await using var input = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            long size = input.Length;
            await WriteHeaderAsync(gz, rel, size, exec ? 0b111_100_100 : 0b110_100_100, ct);
            long copied = 0;
            int n;
            while (copied < size && (n = await input.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, size - copied)), ct)) > 0)
            {
                await gz.WriteAsync(buffer.AsMemory(0, n), ct);
                copied += n;
            }
            if (copied != size)
            {
                throw new IOException($"file '{rel}' changed while it was archived");
            }

            await PadAsync(gz, size, ct);
            bytes += size;
        }
        await gz.WriteAsync(new byte[Block * 2], ct);
        return (files.Count, bytes);
    }

    private static void Collect(string dir, string rel, SourceIgnore ignore, List<(string, string)> into)
    {
        foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos())
        {
            var childRel = rel.Length == 0 ? entry.Name : rel + "/" + entry.Name;
            if (entry.LinkTarget is not null)
            {
                continue; // Flux archives regular files and directories only
            }

            if (entry is DirectoryInfo sub)
            {
                if (ignore.IsIgnored(childRel, isDirectory: true))
                {
                    continue;
                }

                Collect(sub.FullName, childRel, ignore, into);
            }
            else if (entry is FileInfo)
            {
                if (ignore.IsIgnored(childRel, isDirectory: false))
                {
                    continue;
                }

                into.Add((childRel, entry.FullName));
            }
        }
    }

    private static async Task WriteHeaderAsync(Stream s, string name, long size, int mode, CancellationToken ct)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        bool ascii = nameBytes.Length == name.Length;
        string ustarName = name;
        string prefix = string.Empty;
        bool fits = ascii && nameBytes.Length <= 100;
        if (ascii && !fits && nameBytes.Length <= 256)
        {
            // ustar: split into prefix (<=155) and name (<=100) at a slash.
            for (int i = Math.Min(155, name.Length - 1); i > 0; i--)
            {
                if (name[i] == '/' && name.Length - i - 1 <= 100 && name.Length - i - 1 > 0)
                {
                    prefix = name[..i];
                    ustarName = name[(i + 1)..];
                    fits = true;
                    break;
                }
            }
        }
        if (!fits)
        {
            // PAX extended header carrying the full path.
            var record = PaxRecord("path", name);
            var paxName = "PaxHeaders.0/" + Truncate(name.Replace('/', '_'), 80);
            await s.WriteAsync(Header(paxName, string.Empty, record.Length, 0b110_100_100, (byte)'x'), ct);
            await s.WriteAsync(record, ct);
            await PadAsync(s, record.Length, ct);
            ustarName = Truncate(name, 100);
            prefix = string.Empty;
        }
        await s.WriteAsync(Header(ustarName, prefix, size, mode, (byte)'0'), ct);
    }

    private static string Truncate(string s, int bytes)
    {
        var sb = new StringBuilder();
        foreach (var ch in s)
        {
            if (ch > 127)
            {
                continue;
            }

            if (sb.Length >= bytes)
            {
                break;
            }

            sb.Append(ch);
        }
        return sb.ToString();
    }

    private static byte[] PaxRecord(string key, string value)
    {
        // "<len> <key>=<value>\n" where len counts itself.
        int body = Encoding.UTF8.GetByteCount($" {key}={value}\n");
        int len = body + 1;
        while ((len.ToString(CultureInfo.InvariantCulture).Length + body) != len)
        {
            len++;
        }

        return Encoding.UTF8.GetBytes($"{len} {key}={value}\n");
    }

    private static byte[] Header(string name, string prefix, long size, int mode, byte type)
    {
        var h = new byte[Block];
        Encoding.ASCII.GetBytes(name, h.AsSpan(0, Math.Min(100, name.Length)));
        Octal(h, 100, 8, mode);
        Octal(h, 108, 8, 0);
        Octal(h, 116, 8, 0);
        Octal(h, 124, 12, size);
        Octal(h, 136, 12, 0);
        h[156] = type;
        Encoding.ASCII.GetBytes("ustar\0", h.AsSpan(257));
        Encoding.ASCII.GetBytes("00", h.AsSpan(263));
        Octal(h, 329, 8, 0);
        Octal(h, 337, 8, 0);
        if (prefix.Length > 0)
        {
            Encoding.ASCII.GetBytes(prefix, h.AsSpan(345, Math.Min(155, prefix.Length)));
        }

        for (int i = 148; i < 156; i++)
        {
            h[i] = (byte)' ';
        }

        long sum = 0;
        foreach (var b in h)
        {
            sum += b;
        }

        var chk = Convert.ToString(sum, 8).PadLeft(6, '0');
        Encoding.ASCII.GetBytes(chk, h.AsSpan(148));
        h[154] = 0;
        h[155] = (byte)' ';
        return h;
    }

    private static void Octal(byte[] h, int offset, int length, long value)
    {
        var s = Convert.ToString(value, 8).PadLeft(length - 1, '0');
        if (s.Length > length - 1)
        {
            throw new IOException($"value {value} does not fit a tar header field");
        }

        Encoding.ASCII.GetBytes(s, h.AsSpan(offset));
        h[offset + length - 1] = 0;
    }

    private static async Task PadAsync(Stream s, long size, CancellationToken ct)
    {
        int pad = (int)((Block - (size % Block)) % Block);
        if (pad > 0)
        {
            await s.WriteAsync(new byte[pad], ct);
        }
    }
}
