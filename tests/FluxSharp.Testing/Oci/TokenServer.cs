using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace FluxSharp.Testing.Oci;

/// <summary>
/// A docker token service for a registry configured with <c>auth.token</c>: <c>GET /token?service=&amp;scope=</c> with
/// basic credentials answers an ES256 JWT (x5c header, the signing certificate being the registry's root bundle)
/// granting the scopes asked for. Wrong or missing credentials get 401.
/// </summary>
public sealed class TokenServer : IAsyncDisposable
{
    public const string Service = "fluxsharp-test-registry";
    public const string Issuer = "fluxsharp-test-issuer";

    private readonly WebApplication _app;
    private readonly ECDsa _key;
    private readonly X509Certificate2 _certificate;
    private readonly string _user;
    private readonly string _password;
    private int _issued;

    private TokenServer(WebApplication app, ECDsa key, X509Certificate2 certificate, string user, string password)
    {
        _app = app;
        _key = key;
        _certificate = certificate;
        _user = user;
        _password = password;
    }

    public Uri Realm { get; private set; } = null!;

    /// <summary>How many tokens were issued.</summary>
    public int Issued => Volatile.Read(ref _issued);

    /// <summary>The PEM of the signing certificate (the registry's <c>rootcertbundle</c>).</summary>
    public string CertificatePem => _certificate.ExportCertificatePem();

    public static async Task<TokenServer> StartAsync(string user, string password)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=fluxsharp-test-token-signer", key, HashAlgorithmName.SHA256);
        var now = DateTimeOffset.UtcNow;
        var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http1));
        var app = builder.Build();
        var server = new TokenServer(app, key, certificate, user, password);
        app.MapGet("/token", server.Token);
        await app.StartAsync();
        server.Realm = new Uri(new Uri(app.Urls.First()), "/token");
        return server;
    }

    private IResult Token(HttpContext context)
    {
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_user}:{_password}"));
        if (context.Request.Headers.Authorization != expected)
        {
            return Results.Json(new { errors = new[] { new { code = "UNAUTHORIZED", message = "authentication required" } } }, statusCode: 401);
        }

        var access = new JsonArray();
        foreach (var scope in context.Request.Query["scope"].SelectMany(s => (s ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)))
        {
            var parts = scope.Split(':');
            if (parts.Length == 3)
            {
                access.Add(new JsonObject { ["type"] = parts[0], ["name"] = parts[1], ["actions"] = new JsonArray(parts[2].Split(',').Select(a => (JsonNode)a).ToArray()) });
            }
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = new JsonObject { ["typ"] = "JWT", ["alg"] = "ES256", ["x5c"] = new JsonArray(Convert.ToBase64String(_certificate.RawData)) };
        var claims = new JsonObject
        {
            ["iss"] = Issuer,
            ["sub"] = _user,
            ["aud"] = (string?)context.Request.Query["service"] ?? Service,
            ["exp"] = now + 300,
            ["nbf"] = now - 10,
            ["iat"] = now,
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["access"] = access,
        };
        var signingInput = Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        Interlocked.Increment(ref _issued);
        var token = signingInput + "." + Base64Url(signature);
        return Results.Text(JsonSerializer.Serialize(new { token, access_token = token, expires_in = 300 }), "application/json");
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _certificate.Dispose();
        _key.Dispose();
    }
}
