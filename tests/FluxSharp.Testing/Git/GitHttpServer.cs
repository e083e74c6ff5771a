using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FluxSharp.Testing.Git;

/// <summary>Settings of a <see cref="GitHttpServer"/>.</summary>
public sealed record GitHttpServerOptions(string ProjectRoot)
{
    /// <summary>Require basic auth with these credentials (or the bearer token when both are set).</summary>
    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>Require <c>Authorization: Bearer &lt;token&gt;</c>.</summary>
    public string? BearerToken { get; init; }

    /// <summary>Serve HTTPS with this certificate (with private key).</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate { get; init; }
}

/// <summary>
/// Git smart HTTP on 127.0.0.1: a tiny Kestrel app running <c>git http-backend</c> as CGI for every request,
/// with optional basic/bearer auth (401 + WWW-Authenticate otherwise) and optional HTTPS.
/// </summary>
public sealed class GitHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;
    private int _uploadPacks;

    private GitHttpServer(WebApplication app, GitHttpServerOptions options)
    {
        _app = app;
        Options = options;
    }

    public GitHttpServerOptions Options { get; }

    /// <summary><c>http(s)://127.0.0.1:&lt;port&gt;</c>.</summary>
    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>Requests served (including 401s).</summary>
    public int RequestCount => Volatile.Read(ref _requests);

    /// <summary>POSTs to git-upload-pack (ls-refs with protocol v2, and every fetch).</summary>
    public int UploadPackCount => Volatile.Read(ref _uploadPacks);

    public string UrlFor(string repositoryName) => $"{BaseUrl}/{repositoryName}";

    public static async Task<GitHttpServer> StartAsync(GitHttpServerOptions options, CancellationToken ct = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null;
            k.Listen(IPAddress.Loopback, 0, listen =>
            {
                if (options.Certificate is not null)
                {
                    listen.UseHttps(options.Certificate);
                }
            });
        });
        var app = builder.Build();
        var server = new GitHttpServer(app, options);
        app.Run(server.HandleAsync);
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
        return server;
    }

    private bool Authorized(HttpContext ctx, out string? user)
    {
        user = null;
        if (Options.Username is null && Options.BearerToken is null)
        {
            return true;
        }

        var header = ctx.Request.Headers.Authorization.ToString();
        if (Options.BearerToken is not null && header == "Bearer " + Options.BearerToken)
        {
            user = "bearer";
            return true;
        }
        if (Options.Username is not null && header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
                if (decoded == $"{Options.Username}:{Options.Password}")
                {
                    user = Options.Username;
                    return true;
                }
            }
            catch (FormatException)
            {
            }
        }
        return false;
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        Interlocked.Increment(ref _requests);
        if (!Authorized(ctx, out var user))
        {
            ctx.Response.StatusCode = 401;
            ctx.Response.Headers.WWWAuthenticate = Options.Username is not null ? "Basic realm=\"git\"" : "Bearer realm=\"git\"";
            return;
        }
        if (ctx.Request.Method == "POST" && ctx.Request.Path.Value?.EndsWith("/git-upload-pack", StringComparison.Ordinal) == true)
        {
            Interlocked.Increment(ref _uploadPacks);
        }

        var psi = new ProcessStartInfo("git")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("http-backend");
        var env = psi.Environment;
        env["GIT_PROJECT_ROOT"] = Options.ProjectRoot;
        env["GIT_HTTP_EXPORT_ALL"] = "1";
        env["GIT_CONFIG_NOSYSTEM"] = "1";
        env["GIT_CONFIG_GLOBAL"] = "/dev/null";
        env["GATEWAY_INTERFACE"] = "CGI/1.1";
        env["SERVER_PROTOCOL"] = ctx.Request.Protocol;
        env["REQUEST_METHOD"] = ctx.Request.Method;
        env["PATH_INFO"] = Uri.UnescapeDataString(ctx.Request.Path.Value ?? "/");
        env["QUERY_STRING"] = ctx.Request.QueryString.HasValue ? ctx.Request.QueryString.Value![1..] : string.Empty;
        env["CONTENT_TYPE"] = ctx.Request.ContentType ?? string.Empty;
        if (ctx.Request.ContentLength is long len)
        {
            env["CONTENT_LENGTH"] = len.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        env["REMOTE_ADDR"] = ctx.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1";
        if (user is not null)
        {
            env["REMOTE_USER"] = user;
        }

        var encoding = ctx.Request.Headers.ContentEncoding.ToString();
        if (encoding.Length > 0)
        {
            env["HTTP_CONTENT_ENCODING"] = encoding;
        }

        var protocol = ctx.Request.Headers["Git-Protocol"].ToString();
        if (protocol.Length > 0)
        {
            env["GIT_PROTOCOL"] = protocol;
        }

        using var process = Process.Start(psi)!;
        var ct = ctx.RequestAborted;
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        var feed = Task.Run(async () =>
        {
            try
            {
                await ctx.Request.Body.CopyToAsync(process.StandardInput.BaseStream, ct);
            }
            finally
            {
                process.StandardInput.Close();
            }
        }, CancellationToken.None);

        var stdout = process.StandardOutput.BaseStream;
        var headerBytes = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            int n = await stdout.ReadAsync(one, ct);
            if (n == 0)
            {
                break;
            }

            headerBytes.Add(one[0]);
            int c = headerBytes.Count;
            if (c >= 2 && headerBytes[c - 1] == '\n' && headerBytes[c - 2] == '\n')
            {
                break;
            }

            if (c >= 4 && headerBytes[c - 1] == '\n' && headerBytes[c - 2] == '\r' && headerBytes[c - 3] == '\n' && headerBytes[c - 4] == '\r')
            {
                break;
            }
        }
        foreach (var line in Encoding.ASCII.GetString([.. headerBytes]).Split('\n'))
        {
            var l = line.TrimEnd('\r');
            int colon = l.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var name = l[..colon].Trim();
            var value = l[(colon + 1)..].Trim();
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase))
            {
                ctx.Response.StatusCode = int.Parse(value.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                ctx.Response.Headers[name] = value;
            }
        }
        await stdout.CopyToAsync(ctx.Response.Body, ct);
        try
        {
            await feed;
        }
        catch (IOException)
        {
            // the backend may stop reading early (e.g. on error)
        }
        await process.WaitForExitAsync(ct);
        _ = await stderr;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
