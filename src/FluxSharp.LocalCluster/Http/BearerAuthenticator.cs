using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace FluxSharp.LocalCluster.Http;

/// <summary>
/// Authenticates requests the way kube-apiserver's bearer token authenticator does: "Authorization: Bearer &lt;token&gt;"
/// with the admin token is the cluster admin; a presented but wrong token is refused everywhere; no credentials are
/// anonymous, which only the paths of kube-apiserver's default system:public-info-viewer role allow
/// (health checks and /version); everything else answers 401 like an API server whose anonymous access is limited
/// to those endpoints.
/// </summary>
internal sealed class BearerAuthenticator
{
    private readonly byte[] _token;

    public BearerAuthenticator(string token)
    {
        _token = Encoding.UTF8.GetBytes(token);
    }

    public static ApiException Unauthorized() => new(System.Net.HttpStatusCode.Unauthorized, "Unauthorized", "Unauthorized");

    /// <summary>Whether the request may be served: the admin token, or no credentials on a public path.</summary>
    public bool Allows(HttpRequest request)
    {
        var presented = BearerToken(request.Headers.Authorization.ToString());
        return presented is null ? IsPublic(request.Path.Value) : Matches(presented);
    }

    /// <summary>The system:public-info-viewer role's non-resource URLs: /healthz, /livez, /readyz (and their checks), /version.</summary>
    internal static bool IsPublic(string? path) => path switch
    {
        "/healthz" or "/livez" or "/readyz" or "/version" or "/version/" => true,
        _ => path is not null && (path.StartsWith("/healthz/", StringComparison.Ordinal) || path.StartsWith("/livez/", StringComparison.Ordinal) || path.StartsWith("/readyz/", StringComparison.Ordinal)),
    };

    /// <summary>The token of a "Bearer" Authorization header (scheme case-insensitive, as Kubernetes reads it); null for none or another scheme.</summary>
    private static string? BearerToken(string header)
    {
        var parts = header.Trim().Split(' ', 3);
        if (parts.Length < 2 || !parts[0].Equals("bearer", StringComparison.OrdinalIgnoreCase) || parts[1].Length == 0)
        {
            return null;
        }

        return parts[1];
    }

    /// <summary>Compares in constant time so that the answer's timing tells nothing about how much of a guess was right.</summary>
    private bool Matches(string presented)
    {
        Span<byte> buffer = stackalloc byte[256];
        var count = Encoding.UTF8.GetMaxByteCount(presented.Length);
        var bytes = count <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(presented, buffer)] : Encoding.UTF8.GetBytes(presented);
        return CryptographicOperations.FixedTimeEquals(bytes, _token);
    }
}
