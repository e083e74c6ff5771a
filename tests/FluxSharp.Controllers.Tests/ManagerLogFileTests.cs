using FluxSharp.Manager;

namespace FluxSharp.Controllers.Tests;

/// <summary>The manager's log file (`fluxsharp dev` writes &lt;state-dir&gt;/logs/manager.log): appended, size-bounded, rotated.</summary>
public sealed class ManagerLogFileTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fluxsharp-logfile-tests", Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    [Fact]
    public void LinesAreAppendedToWhatAnEarlierRunWrote()
    {
        var path = Path.Combine(_dir, "logs", "manager.log");
        using (var first = new RollingLogFile(path))
        {
            first.Write("{\"msg\":\"one\"}");
        }

        using var second = new RollingLogFile(path);
        second.Write("{\"msg\":\"two\"}");
        // Readable while it is being written (tail -f, tests).
        Assert.Equal(["{\"msg\":\"one\"}", "{\"msg\":\"two\"}"], ReadLines(path));
    }

    [Fact]
    public void AFullFileIsRotatedAndOnlyTheNewestFilesAreKept()
    {
        var path = Path.Combine(_dir, "manager.log");
        using var log = new RollingLogFile(path, maxBytes: 20, keep: 2);
        for (var i = 1; i <= 5; i++)
        {
            // 10 bytes with the newline: two lines fill a file.
            log.Write($"line-{i:D4}");
        }

        Assert.Equal(["line-0005"], ReadLines(path));
        Assert.Equal(["line-0003", "line-0004"], ReadLines(path + ".1"));
        Assert.Equal(["line-0001", "line-0002"], ReadLines(path + ".2"));
        Assert.False(File.Exists(path + ".3"));

        log.Write("line-0006");
        log.Write("line-0007");
        Assert.Equal(["line-0007"], ReadLines(path));
        Assert.Equal(["line-0003", "line-0004"], ReadLines(path + ".2"));
        Assert.Equal(3, Directory.GetFiles(_dir).Length);
    }

    [Fact]
    public void ALineLongerThanTheLimitIsStillWritten()
    {
        var path = Path.Combine(_dir, "manager.log");
        using var log = new RollingLogFile(path, maxBytes: 8, keep: 1);
        log.Write("a line longer than eight bytes");
        Assert.Equal(["a line longer than eight bytes"], ReadLines(path));
    }

    private static string[] ReadLines(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(file);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
