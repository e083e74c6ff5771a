using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using FluxSharp.Testing.Git;
using Xunit;

namespace FluxSharp.Testing.Oci;

/// <summary>How a <see cref="RegistryServer"/> is set up.</summary>
public sealed record RegistryServerOptions
{
    /// <summary>htpasswd basic auth with this user (password <see cref="RegistryServer.Password"/>).</summary>
    public string? User { get; init; }

    /// <summary>Serve HTTPS with a certificate signed by a throw-away CA.</summary>
    public bool Tls { get; init; }

    /// <summary>Bearer token auth: a <see cref="TokenServer"/> issues tokens to <see cref="User"/>.</summary>
    public bool TokenAuth { get; init; }
}

/// <summary>
/// Debian's <c>docker-registry</c> (distribution v2.8) on 127.0.0.1:&lt;free port&gt;, configured by a YAML file the
/// fixture writes: filesystem storage in a temp dir, optionally htpasswd basic auth (a bcrypt file made here) and TLS
/// (a certificate made here). Killed and its storage deleted on dispose.
/// </summary>
public sealed class RegistryServer : IAsyncDisposable
{
    public const string RegistryPath = "/usr/bin/docker-registry";

    private readonly Process _process;
    private readonly TempDirectory _dir;

    private RegistryServer(Process process, TempDirectory dir, int port, RegistryServerOptions options, TestCertificates? certificates, string password, TokenServer? tokens)
    {
        Tokens = tokens;
        Password = password;
        _process = process;
        _dir = dir;
        Port = port;
        Options = options;
        Certificates = certificates;
    }

    public int Port { get; }

    /// <summary>The token service of a <see cref="RegistryServerOptions.TokenAuth"/> registry.</summary>
    public TokenServer? Tokens { get; }

    public RegistryServerOptions Options { get; }

    /// <summary>The CA and server certificate of a TLS registry.</summary>
    public TestCertificates? Certificates { get; }

    /// <summary><c>127.0.0.1:port</c>.</summary>
    public string Host => $"127.0.0.1:{Port}";

    /// <summary>The password of <see cref="RegistryServerOptions.User"/>.</summary>
    public string Password { get; }

    /// <summary><c>oci://127.0.0.1:port/repository</c>.</summary>
    public string Url(string repository) => $"oci://{Host}/{repository}";

    /// <summary>Where the registry keeps a blob on disk (tests corrupt it to check digest verification).</summary>
    public string BlobPath(string digest) =>
        _dir.Sub($"data/docker/registry/v2/blobs/sha256/{digest[7..9]}/{digest[7..]}/data");

    /// <summary>A kubernetes.io/dockerconfigjson payload for this registry.</summary>
    public byte[] DockerConfigJson(string? user = null, string? password = null)
    {
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user ?? Options.User}:{password ?? Password}"));
        return Encoding.UTF8.GetBytes("{\"auths\":{\"" + Host + "\":{\"auth\":\"" + auth + "\"}}}");
    }

    public static async Task<RegistryServer> StartAsync(RegistryServerOptions? options = null, CancellationToken ct = default)
    {
        options ??= new RegistryServerOptions();
        if (!File.Exists(RegistryPath))
        {
            throw new InvalidOperationException($"{RegistryPath} not found: install Debian's docker-registry (scripts/test.sh does it)");
        }

        var dir = new TempDirectory("fluxsharp-registry");
        TestCertificates? certificates = null;
        TokenServer? tokens = null;
        try
        {
            var port = SshGitServer.FreePort();
            var password = "s3cr3t-" + Guid.NewGuid().ToString("N")[..8];
            var config = new StringBuilder($"""
                version: 0.1
                log:
                  level: error
                  accesslog:
                    disabled: true
                storage:
                  filesystem:
                    rootdirectory: {dir.Sub("data")}
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:{port}
                  secret: {Guid.NewGuid():N}

                """);
            if (options.Tls)
            {
                certificates = TestCertificates.Create();
                await File.WriteAllTextAsync(dir.Sub("tls.crt"), certificates.Server.ExportCertificatePem(), ct);
                await File.WriteAllTextAsync(dir.Sub("tls.key"), certificates.Server.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem(), ct);
                config.Append($"""
                      tls:
                        certificate: {dir.Sub("tls.crt")}
                        key: {dir.Sub("tls.key")}

                    """);
            }

            if (options.TokenAuth)
            {
                tokens = await TokenServer.StartAsync(options.User ?? "flux", password);
                await File.WriteAllTextAsync(dir.Sub("token-root.crt"), tokens.CertificatePem, ct);
                config.Append($"""
                    auth:
                      token:
                        realm: {tokens.Realm}
                        service: {TokenServer.Service}
                        issuer: {TokenServer.Issuer}
                        rootcertbundle: {dir.Sub("token-root.crt")}

                    """);
            }
            else if (options.User is { } user)
            {
                await File.WriteAllTextAsync(dir.Sub("htpasswd"), $"{user}:{BCrypt.Net.BCrypt.HashPassword(password, 4)}\n", ct);
                config.Append($"""
                    auth:
                      htpasswd:
                        realm: fluxsharp-test
                        path: {dir.Sub("htpasswd")}

                    """);
            }

            await File.WriteAllTextAsync(dir.Sub("config.yml"), config.ToString(), ct);
            var psi = new ProcessStartInfo(RegistryPath) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            psi.ArgumentList.Add("serve");
            psi.ArgumentList.Add(dir.Sub("config.yml"));
            var process = Process.Start(psi)!;
            var stderr = new StringBuilder();
            process.ErrorDataReceived += (_, e) =>
            {
                lock (stderr)
                {
                    stderr.AppendLine(e.Data);
                }
            };
            process.OutputDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            await WaitForPortAsync(process, port, stderr, ct);
            return new RegistryServer(process, dir, port, options, certificates, password, tokens);
        }
        catch
        {
            if (tokens is not null)
            {
                await tokens.DisposeAsync();
            }

            certificates?.Dispose();
            dir.Dispose();
            throw;
        }
    }

    private static async Task WaitForPortAsync(Process process, int port, StringBuilder stderr, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"docker-registry exited with {process.ExitCode}: {stderr}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, ct);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, ct);
            }
        }
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
        if (Tokens is not null)
        {
            await Tokens.DisposeAsync();
        }

        Certificates?.Dispose();
        _dir.Dispose();
    }
}

/// <summary>Four registries started once per test class: plain HTTP, htpasswd basic auth, TLS, and bearer tokens.</summary>
public sealed class RegistryFixture : IAsyncLifetime
{
    public RegistryServer Plain { get; private set; } = null!;

    public RegistryServer Auth { get; private set; } = null!;

    public RegistryServer Tls { get; private set; } = null!;

    public RegistryServer Token { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var plain = RegistryServer.StartAsync();
        var auth = RegistryServer.StartAsync(new RegistryServerOptions { User = "flux" });
        var tls = RegistryServer.StartAsync(new RegistryServerOptions { Tls = true });
        var token = RegistryServer.StartAsync(new RegistryServerOptions { User = "flux", TokenAuth = true });
        Plain = await plain;
        Auth = await auth;
        Tls = await tls;
        Token = await token;
    }

    public async Task DisposeAsync()
    {
        foreach (var server in new[] { Plain, Auth, Tls, Token })
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }
    }
}
