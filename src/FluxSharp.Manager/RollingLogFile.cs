using System.Text;

namespace FluxSharp.Manager;

/// <summary>
/// A log file of bounded size: lines are appended (and flushed, so `tail -f` sees them at once); when the file would
/// grow past <see cref="MaxBytes"/> it becomes `&lt;name&gt;.1` (the previous `.1` becomes `.2`, and so on up to
/// <see cref="Keep"/>; the oldest goes) and a new file is started. A line that cannot be written is dropped:
/// logging must never stop the process.
/// </summary>
public sealed class RollingLogFile : IDisposable
{
    private readonly Lock _gate = new();
    private FileStream? _file;
    private bool _disposed;

    /// <param name="path">The file; its directory is created if missing. Lines are appended to what is there.</param>
    public RollingLogFile(string path, long maxBytes = 10 * 1024 * 1024, int keep = 2)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(keep);
        Path = System.IO.Path.GetFullPath(path);
        MaxBytes = maxBytes;
        Keep = keep;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _file = Open();
    }

    /// <summary>The current file.</summary>
    public string Path { get; }

    /// <summary>Size at which the file is rotated.</summary>
    public long MaxBytes { get; }

    /// <summary>Rotated files kept besides the current one.</summary>
    public int Keep { get; }

    /// <summary>Appends one line (a newline is added); called from any thread.</summary>
    public void Write(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            try
            {
                // Null after a rotation that failed half-way: start a file again.
                _file ??= Open();
                if (_file.Length > 0 && _file.Length + bytes.Length > MaxBytes)
                {
                    Rotate();
                }

                _file.Write(bytes);
                _file.Flush();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Disk full, or the directory went away or is read-only: the line is lost, the process goes on.
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _file?.Dispose();
            _file = null;
        }
    }

    private FileStream Open() => new(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);

    private void Rotate()
    {
        _file!.Dispose();
        _file = null;
        if (Keep == 0)
        {
            File.Delete(Path);
        }
        else
        {
            File.Delete($"{Path}.{Keep}");
            for (var i = Keep - 1; i >= 1; i--)
            {
                if (File.Exists($"{Path}.{i}"))
                {
                    File.Move($"{Path}.{i}", $"{Path}.{i + 1}");
                }
            }

            File.Move(Path, Path + ".1");
        }

        _file = Open();
    }
}
