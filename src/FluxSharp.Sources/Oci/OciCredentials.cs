using System.Text;
using System.Text.Json;

namespace FluxSharp.Sources.Oci;

/// <summary>
/// Credentials for one registry: a username and password (basic auth, also exchanged for a bearer token), or an
/// identity token (an OAuth2 refresh token). <see cref="ToString"/> never shows the secret parts.
/// </summary>
public sealed record OciCredentials(string Username, string Password)
{
    /// <summary>A registry token sent as-is as a bearer token.</summary>
    public string? RegistryToken { get; init; }

    public override string ToString() => $"OciCredentials {{ Username = {Username} }}";

    /// <summary>The value of an <c>Authorization: Basic</c> header.</summary>
    public string BasicValue() => Convert.ToBase64String(Encoding.UTF8.GetBytes(Username + ":" + Password));

    /// <summary>
    /// The credentials for <paramref name="registry"/> in a <c>.dockerconfigjson</c> (a kubernetes.io/dockerconfigjson
    /// Secret, or ~/.docker/config.json): the <c>auths</c> entry whose key names that host (with or without scheme
    /// and path). Null when there is none.
    /// </summary>
    public static OciCredentials? FromDockerConfig(ReadOnlySpan<byte> json, string registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException)
        {
            // The parser's message may quote the secret's bytes.
            throw new OciException(OciErrorKind.InvalidInput, "invalid .dockerconfigjson: not valid JSON");
        }

        using (doc)
        {
            if (!doc.RootElement.TryGetProperty("auths", out var auths) || auths.ValueKind != JsonValueKind.Object)
            {
                throw new OciException(OciErrorKind.InvalidInput, "invalid .dockerconfigjson: no 'auths' object");
            }

            foreach (var entry in auths.EnumerateObject())
            {
                if (!SameHost(entry.Name, registry))
                {
                    continue;
                }

                return FromEntry(entry.Value, registry);
            }
        }

        return null;
    }

    private static OciCredentials FromEntry(JsonElement e, string registry)
    {
        string? Get(string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var user = Get("username");
        var pass = Get("password");
        if (Get("auth") is { Length: > 0 } auth)
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
            }
            catch (FormatException)
            {
                throw new OciException(OciErrorKind.InvalidInput, $"invalid .dockerconfigjson: the 'auth' of '{registry}' is not base64");
            }

            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                throw new OciException(OciErrorKind.InvalidInput, $"invalid .dockerconfigjson: the 'auth' of '{registry}' is not 'username:password'");
            }

            user = decoded[..colon];
            pass = decoded[(colon + 1)..];
        }

        if (Get("identitytoken") is { Length: > 0 } identity)
        {
            // Docker's convention: an identity token is a refresh token, sent as the password of "<token>".
            return new OciCredentials("<token>", identity);
        }

        if (Get("registrytoken") is { Length: > 0 } token)
        {
            return new OciCredentials(user ?? "", pass ?? "") { RegistryToken = token };
        }

        if (string.IsNullOrEmpty(user) && string.IsNullOrEmpty(pass))
        {
            throw new OciException(OciErrorKind.InvalidInput, $"invalid .dockerconfigjson: the entry of '{registry}' has no credentials");
        }

        return new OciCredentials(user ?? "", pass ?? "");
    }

    /// <summary>A docker config key (<c>https://host/v1/</c>, <c>host</c>) names <paramref name="registry"/>.</summary>
    private static bool SameHost(string key, string registry)
    {
        var host = key;
        var scheme = host.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            host = host[(scheme + 3)..];
        }

        var slash = host.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            host = host[..slash];
        }

        static string Norm(string h) => h is "index.docker.io" or "registry-1.docker.io" ? "docker.io" : h.ToLowerInvariant();
        return Norm(host) == Norm(registry);
    }
}
