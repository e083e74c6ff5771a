using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FluxSharp.LocalCluster.Storage;
using FluxSharp.Testing;

namespace FluxSharp.LocalCluster.Tests.Storage;

/// <summary>
/// One real etcd (Debian's /usr/bin/etcd, else ETCD or etcd on PATH) for every etcd test: free loopback ports, a temp
/// data dir, stopped at the end. Tests share it through the "etcd" collection (run one after another: compaction is
/// etcd-wide) and keep apart by using their own key prefix (<see cref="NewPrefix"/>).
/// </summary>
public sealed class EtcdFixture : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "fluxsharp-tests", "etcd-" + Guid.NewGuid().ToString("N")[..10]);
    private Process? _process;

    public string Endpoint { get; private set; } = string.Empty;

    public static string Executable =>
        Environment.GetEnvironmentVariable("ETCD") is { Length: > 0 } etcd ? etcd
        : File.Exists("/usr/bin/etcd") ? "/usr/bin/etcd"
        : "etcd";

    public static string NewPrefix() => "/t-" + Guid.NewGuid().ToString("N")[..10];

    public EtcdStorageOptions Options(string prefix, TimeSpan? timeout = null) => new() { Endpoints = Endpoint, Prefix = prefix, Timeout = timeout ?? TimeSpan.FromSeconds(10) };

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dataDir);
        var client = FreePort();
        var peer = FreePort();
        Endpoint = $"http://127.0.0.1:{client}";
        var psi = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            "--name", "test", "--data-dir", Path.Combine(_dataDir, "data"),
            "--listen-client-urls", Endpoint, "--advertise-client-urls", Endpoint,
            "--listen-peer-urls", $"http://127.0.0.1:{peer}", "--initial-advertise-peer-urls", $"http://127.0.0.1:{peer}",
            "--initial-cluster", $"test=http://127.0.0.1:{peer}", "--logger", "zap", "--log-level", "error",
        })
        {
            psi.ArgumentList.Add(arg);
        }

        _process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {Executable}");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.WaitAsync(
            async () =>
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"{Executable} exited with {_process.ExitCode} at start");
                }

                try
                {
                    return await http.GetStringAsync(new Uri(Endpoint + "/health"));
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    return string.Empty;
                }
            },
            health => health.Contains("\"true\"", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30),
            "etcd to serve");
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }

        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // A temp dir left behind is harmless.
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

/// <summary>The tests that share the one etcd, one after another.</summary>
[CollectionDefinition("etcd")]
public sealed class EtcdCollection : ICollectionFixture<EtcdFixture>;
