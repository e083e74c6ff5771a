using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace FluxSharp.Testing.Git;

/// <summary>
/// OpenSSH <c>sshd</c> on 127.0.0.1:&lt;free port&gt;, run as the current user with a temp config, a generated host
/// key and one authorized deploy key. Clients run <c>git-upload-pack '&lt;path&gt;'</c> through it.
/// </summary>
public sealed class SshGitServer : IAsyncDisposable
{
    public const string SshdPath = "/usr/sbin/sshd";

    private readonly Process _process;
    private readonly TempDirectory _dir;

    private SshGitServer(Process process, TempDirectory dir, int port, string identity, string knownHosts, string wrongKnownHosts)
    {
        _process = process;
        _dir = dir;
        Port = port;
        IdentityPem = identity;
        KnownHosts = knownHosts;
        WrongKnownHosts = wrongKnownHosts;
    }

    public int Port { get; }

    /// <summary>The login user (the current user; sshd cannot switch users unless root).</summary>
    public string User { get; } = Environment.UserName;

    /// <summary>Private deploy key (OpenSSH PEM) authorized on the server.</summary>
    public string IdentityPem { get; }

    /// <summary><c>[127.0.0.1]:port ssh-ed25519 ...</c> for the server's host key.</summary>
    public string KnownHosts { get; }

    /// <summary>A known_hosts line for the same address with a different key (host-key mismatch tests).</summary>
    public string WrongKnownHosts { get; }

    /// <summary>sshd's log (for diagnosing test failures).</summary>
    public string LogPath => _dir.Sub("sshd.log");

    /// <summary><c>ssh://user@127.0.0.1:port/abs/path</c>.</summary>
    public string UrlFor(string absoluteRepositoryPath) => $"ssh://{User}@127.0.0.1:{Port}{absoluteRepositoryPath}";

    public IReadOnlyDictionary<string, byte[]> Secret(bool wrongHostKey = false) => new Dictionary<string, byte[]>
    {
        ["identity"] = Encoding.UTF8.GetBytes(IdentityPem),
        ["known_hosts"] = Encoding.UTF8.GetBytes(wrongHostKey ? WrongKnownHosts : KnownHosts),
    };

    public static async Task<SshGitServer> StartAsync(CancellationToken ct = default)
    {
        if (!File.Exists(SshdPath))
        {
            throw new InvalidOperationException($"{SshdPath} not found: install openssh-server (scripts/test.sh does it)");
        }

        var dir = new TempDirectory("fluxsharp-sshd");
        try
        {
            if (!OperatingSystem.IsWindows() && (Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root"))
            {
                // Privilege separation directory sshd insists on when started as root.
                Directory.CreateDirectory("/run/sshd");
                File.SetUnixFileMode("/run/sshd", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            }
            await KeygenAsync(dir.Sub("host_ed25519"), ct);
            await KeygenAsync(dir.Sub("wrong_host_ed25519"), ct);
            await KeygenAsync(dir.Sub("deploy"), ct);
            File.Copy(dir.Sub("deploy.pub"), dir.Sub("authorized_keys"));
            int port = FreePort();
            var config = $"""
                Port {port}
                ListenAddress 127.0.0.1
                HostKey {dir.Sub("host_ed25519")}
                PidFile {dir.Sub("sshd.pid")}
                AuthorizedKeysFile {dir.Sub("authorized_keys")}
                StrictModes no
                UsePAM no
                PubkeyAuthentication yes
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                PermitRootLogin prohibit-password
                AllowTcpForwarding no
                X11Forwarding no
                PrintMotd no
                LogLevel VERBOSE
                """;
            File.WriteAllText(dir.Sub("sshd_config"), config + "\n");
            var psi = new ProcessStartInfo(SshdPath) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in new[] { "-D", "-f", dir.Sub("sshd_config"), "-E", dir.Sub("sshd.log") })
            {
                psi.ArgumentList.Add(a);
            }

            var process = Process.Start(psi)!;
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (true)
            {
                if (process.HasExited)
                {
                    var log = File.Exists(dir.Sub("sshd.log")) ? await File.ReadAllTextAsync(dir.Sub("sshd.log"), ct) : string.Empty;
                    throw new InvalidOperationException($"sshd exited with {process.ExitCode}: {await process.StandardError.ReadToEndAsync(ct)} {log}");
                }
                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port, ct);
                    break;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(50, ct);
                }
            }
            string HostLine(string pub) => $"[127.0.0.1]:{port} " + string.Join(' ', File.ReadAllText(pub).Trim().Split(' ').Take(2));
            return new SshGitServer(process, dir, port, await File.ReadAllTextAsync(dir.Sub("deploy"), ct),
                HostLine(dir.Sub("host_ed25519.pub")), HostLine(dir.Sub("wrong_host_ed25519.pub")));
        }
        catch
        {
            dir.Dispose();
            throw;
        }
    }

    /// <summary>Generates an ed25519 key pair (optionally encrypted with <paramref name="passphrase"/>).</summary>
    public static async Task KeygenAsync(string path, CancellationToken ct, string passphrase = "")
    {
        var psi = new ProcessStartInfo("ssh-keygen") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-q", "-t", "ed25519", "-N", passphrase, "-C", "fluxsharp-test", "-f", path })
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        await p.WaitForExitAsync(ct);
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException("ssh-keygen failed: " + await p.StandardError.ReadToEndAsync(ct));
        }
    }

    /// <summary>Adds another authorized public key (OpenSSH one-line format).</summary>
    public void Authorize(string publicKeyLine) => File.AppendAllText(_dir.Sub("authorized_keys"), publicKeyLine.Trim() + "\n");

    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        _dir.Dispose();
    }
}

/// <summary>An <see cref="SshGitServer"/> and a project root for its repositories, started once per test class.</summary>
public sealed class SshGitServerFixture : IAsyncLifetime
{
    private readonly TempDirectory _root = new("fluxsharp-gitssh");

    public SshGitServer Server { get; private set; } = null!;

    public string ProjectRoot => _root.Path;

    public Task<GitRepositoryBuilder> CreateRepositoryAsync(string name, string defaultBranch = "master") =>
        GitRepositoryBuilder.CreateAsync(ProjectRoot, name, defaultBranch);

    public async Task InitializeAsync() => Server = await SshGitServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        _root.Dispose();
    }
}
