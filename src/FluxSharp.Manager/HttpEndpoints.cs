using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FluxSharp.Manager;

/// <summary>Small Kestrel hosts for the manager's HTTP faces: artifacts, metrics and health.</summary>
internal static class HttpEndpoints
{
    /// <summary>Starts a server on host:port running <paramref name="handler"/>; returns it and its bound base URL.</summary>
    public static async Task<(WebApplication App, Uri Url)> StartAsync(string address, RequestDelegate handler, CancellationToken cancellationToken)
    {
        var (host, port) = ParseAddress(address);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(host, port));
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync(cancellationToken);
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var shownHost = host.Equals(IPAddress.Any) ? "127.0.0.1" : host.ToString();
        return (app, new Uri($"http://{shownHost}:{bound.Port}"));
    }

    public static (IPAddress Host, int Port) ParseAddress(string address)
    {
        var colon = address.LastIndexOf(':');
        var hostText = colon > 0 ? address[..colon] : string.Empty;
        var portText = colon >= 0 ? address[(colon + 1)..] : address;
        if (!int.TryParse(portText, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 0 or > 65535)
        {
            throw new ArgumentException($"invalid address \"{address}\": expected host:port with a port from 0 to 65535");
        }

        var host = hostText.Length == 0 ? IPAddress.Any
            : hostText == "localhost" ? IPAddress.Loopback
            : IPAddress.TryParse(hostText.Trim('[', ']'), out var ip) ? ip
            : throw new ArgumentException($"invalid address \"{address}\": the host must be an IP address or localhost");
        return (host, port);
    }
}
