using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace FluxSharp.Cli.Commands;

/// <summary>
/// The artifact server's and the metrics' addresses of `fluxsharp dev`, kept in the state dir across restarts:
/// every source's status.artifact.url names the artifact server's port, so coming back on the same port keeps every
/// Kustomization downloading. A kept port another process has taken meanwhile is given up for a free one (said in
/// one line); the controllers then rewrite the artifact URLs to it.
/// </summary>
internal static class DevAddresses
{
    /// <summary>The file under the state dir keeping the artifact server's address (127.0.0.1:port).</summary>
    public const string ArtifactFile = "artifact-addr";

    /// <summary>The file under the state dir keeping the metrics and health address (127.0.0.1:port).</summary>
    public const string MetricsFile = "metrics-addr";

    /// <summary>The file under the state dir keeping the events endpoint's address (127.0.0.1:port).</summary>
    public const string EventsFile = "events-addr";

    /// <summary>The file under the state dir keeping the webhook receiver server's address (webhook URLs stay valid across restarts).</summary>
    public const string ReceiverFile = "receiver-addr";

    private const string AnyPort = "127.0.0.1:0";

    /// <summary>The kept address when it can still be bound, else 127.0.0.1:0 (a free port).</summary>
    public static string Reuse(string stateDir, string file, string what)
    {
        var path = Path.Combine(stateDir, file);
        if (Kept(path) is not { } port)
        {
            return AnyPort;
        }

        if (!IsFree(port))
        {
            Console.WriteLine($"{what + ":",-13}127.0.0.1:{port} (kept in {path}) is taken; serving on a new port");
            return AnyPort;
        }

        return $"127.0.0.1:{port}";
    }

    /// <summary>Keeps the bound address for the next start (owner-only, as the rest of the state dir).</summary>
    public static void Remember(string stateDir, string file, Uri bound)
    {
        ArgumentNullException.ThrowIfNull(bound);
        var path = Path.Combine(stateDir, file);
        var tmp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(tmp, options))
        {
            writer.WriteLine($"127.0.0.1:{bound.Port.ToString(CultureInfo.InvariantCulture)}");
        }

        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>The port kept in the file; null when there is none or it is not 127.0.0.1:port (then a new one is picked).</summary>
    private static int? Kept(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        const string Prefix = "127.0.0.1:";
        return text.StartsWith(Prefix, StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            && port is > 0 and <= 65535
            ? port
            : null;
    }

    /// <summary>Whether nothing listens on 127.0.0.1:port (connections of the previous run waiting out TIME_WAIT do not count).</summary>
    private static bool IsFree(int port)
    {
        var probe = new TcpListener(IPAddress.Loopback, port);
        try
        {
            probe.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        finally
        {
            probe.Stop();
        }
    }
}
