using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace FluxSharp.Testing.Oci;

/// <summary>
/// A plain-HTTP forward proxy on 127.0.0.1 (absolute-form requests, as HttpClient sends them to a proxy) that
/// requires basic proxy credentials and counts what it forwarded: proof that a client went through it.
/// </summary>
public sealed class ForwardProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _upstream = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false });
    private int _forwarded;

    private ForwardProxy(WebApplication app) => _app = app;

    public string User { get; } = "proxy-user";

    public string Password { get; } = "proxy-" + Guid.NewGuid().ToString("N")[..8];

    public Uri Address { get; private set; } = null!;

    /// <summary>How many requests were forwarded with the right credentials.</summary>
    public int Forwarded => Volatile.Read(ref _forwarded);

    public static async Task<ForwardProxy> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http1));
        var app = builder.Build();
        var proxy = new ForwardProxy(app);
        app.Run(proxy.ForwardAsync);
        await app.StartAsync();
        proxy.Address = new Uri(app.Urls.First());
        return proxy;
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var expected = "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{User}:{Password}"));
        if (context.Request.Headers["Proxy-Authorization"] != expected)
        {
            context.Response.StatusCode = 407;
            context.Response.Headers["Proxy-Authenticate"] = "Basic realm=\"proxy\"";
            return;
        }

        Interlocked.Increment(ref _forwarded);
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.GetEncodedUrl());
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(context.Request.Body);
        }

        foreach (var (key, values) in context.Request.Headers)
        {
            if (key is "Host" or "Proxy-Authorization" or "Proxy-Connection" or "Connection")
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(key, (IEnumerable<string?>)values) && request.Content is not null)
            {
                request.Content.Headers.TryAddWithoutValidation(key, (IEnumerable<string?>)values);
            }
        }

        using var response = await _upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (key, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (key is "Transfer-Encoding" or "Connection")
            {
                continue;
            }

            context.Response.Headers[key] = values.ToArray();
        }

        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _upstream.Dispose();
    }
}
