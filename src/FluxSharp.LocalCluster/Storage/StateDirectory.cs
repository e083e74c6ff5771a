using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace FluxSharp.LocalCluster.Storage;

/// <summary>
/// The state dir of a local control plane, owned by one process at a time: <c>lock</c> is held with an exclusive
/// flock for as long as the control plane runs (the kernel releases it when the process dies, even on kill -9) and
/// holds the owner's pid, so a second process is refused with a message naming the dir and that pid. The dir is
/// created 0700 and its files are 0600: they hold Secrets and the admin kubeconfig.
/// </summary>
public sealed class StateDirectory : IDisposable
{
    public const string LockFileName = "lock";
    public const string DatabaseFileName = "state.db";
    public const string LegacyObjectsFileName = "objects.json";
    public const string MigratedObjectsFileName = "objects.json.migrated";

    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Files of ours in a state dir: their presence marks a dir written by an earlier FluxSharp, whose mode is then tightened.</summary>
    private static readonly string[] OwnFiles = [LockFileName, DatabaseFileName, DatabaseFileName + "-wal", DatabaseFileName + "-shm", LegacyObjectsFileName, MigratedObjectsFileName, "kubeconfig"];

    private readonly FileStream _lock;

    private StateDirectory(string path, FileStream lockFile)
    {
        FullPath = path;
        _lock = lockFile;
    }

    public string FullPath { get; }

    public string DatabasePath => Path.Combine(FullPath, DatabaseFileName);

    public string LegacyObjectsPath => Path.Combine(FullPath, LegacyObjectsFileName);

    public string MigratedObjectsPath => Path.Combine(FullPath, MigratedObjectsFileName);

    /// <summary>
    /// Creates (0700) and locks the dir. Throws <see cref="StateDirException"/> when another process holds it
    /// ("state dir X is in use by another process (pid N)").
    /// </summary>
    public static StateDirectory Open(string path)
    {
        var full = Path.GetFullPath(path);
        var existed = Directory.Exists(full);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(full);
        }
        else
        {
            Directory.CreateDirectory(full, PrivateDirectory);
            if (existed && OwnFiles.Any(f => File.Exists(Path.Combine(full, f))) && (File.GetUnixFileMode(full) & ~PrivateDirectory) != 0)
            {
                File.SetUnixFileMode(full, PrivateDirectory);
            }
        }

        var lockPath = Path.Combine(full, LockFileName);
        FileStream lockFile;
        try
        {
            // FileShare.None: .NET takes flock(LOCK_EX | LOCK_NB) on the open file; a second opener fails at once.
            var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = PrivateFile;
            }

            lockFile = new FileStream(lockPath, options);
        }
        catch (IOException e) when (File.Exists(lockPath))
        {
            var pid = ReadPid(lockPath);
            throw new StateDirException($"state dir {full} is in use by another process{(pid is null ? string.Empty : $" (pid {pid})")}; stop it or use another state dir", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new StateDirException($"state dir {full}: cannot open {LockFileName} ({e.Message})", e);
        }

        lockFile.SetLength(0);
        lockFile.Write(Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n"));
        lockFile.Flush();
        foreach (var f in OwnFiles)
        {
            MakePrivate(Path.Combine(full, f));
        }

        return new StateDirectory(full, lockFile);
    }

    /// <summary>Creates an empty file readable only by its owner, unless it exists (then only tightens its mode).</summary>
    public static void CreatePrivateFile(string path)
    {
        if (File.Exists(path))
        {
            MakePrivate(path);
            return;
        }

        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.Write, Share = FileShare.ReadWrite };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = PrivateFile;
        }

        using var created = new FileStream(path, options);
    }

    /// <summary>Sets an existing file to 0600 (no-op when absent or on Windows).</summary>
    public static void MakePrivate(string path)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path) && File.GetUnixFileMode(path) != PrivateFile)
        {
            File.SetUnixFileMode(path, PrivateFile);
        }
    }

    /// <summary>Releases the lock (the pid stays in the file; the next owner overwrites it).</summary>
    public void Dispose() => _lock.Dispose();

    /// <summary>
    /// The pid in a lock file another process holds. Read through a plain open(2): any .NET open of the file would
    /// take a shared flock first, which the owner's exclusive one refuses.
    /// </summary>
    private static int? ReadPid(string lockPath)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        var fd = NativeMethods.Open(lockPath, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            return null;
        }

        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        var buffer = new byte[32];
        var n = RandomAccess.Read(handle, buffer, 0);
        return int.TryParse(Encoding.ASCII.GetString(buffer, 0, n).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "open", SetLastError = true)]
        public static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);
    }
}
