using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FluxSharp.Controllers.Tests.Infrastructure;

/// <summary>One request a provider endpoint received.</summary>
public sealed record CapturedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var v) ? v : null;
}

/// <summary>
/// A real HTTP server on 127.0.0.1 standing in for a provider's service: records every request (method, path,
/// headers, body) and answers with <see cref="Respond"/> (200 "ok" by default), or never answers while <see cref="Hang"/>.
/// </summary>
public sealed class CapturingListener : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<CapturedRequest> _requests = new();

    private CapturingListener(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public IReadOnlyList<CapturedRequest> Requests => _requests.ToList();

    /// <summary>The answer to a request: status and body.</summary>
    public Func<CapturedRequest, (int Status, string Body)> Respond { get; set; } = _ => (200, "ok");

    /// <summary>While true, requests are recorded and never answered (a hanging service).</summary>
    public bool Hang { get; set; }

    public static async Task<CapturingListener> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        CapturingListener? self = null;
        app.Run(ctx => self!.HandleAsync(ctx));
        await app.StartAsync();
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        self = new CapturingListener(app, new Uri($"http://127.0.0.1:{bound.Port}/"));
        return self;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task HandleAsync(HttpContext ctx)
    {
        using var reader = new StreamReader(ctx.Request.Body);
        var body = await reader.ReadToEndAsync(ctx.RequestAborted);
        var headers = ctx.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
        var request = new CapturedRequest(ctx.Request.Method, ctx.Request.Path + ctx.Request.QueryString, headers, body);
        _requests.Enqueue(request);
        if (Hang)
        {
            await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
            return;
        }

        var (status, text) = Respond(request);
        ctx.Response.StatusCode = status;
        await ctx.Response.WriteAsync(text, ctx.RequestAborted);
    }
}
