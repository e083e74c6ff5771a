using System.Text;

namespace FluxSharp.Sources.Git;

/// <summary>The transport a git URL uses.</summary>
public enum GitTransport
{
    File,
    Http,
    Https,
    Ssh,
}

/// <summary>
/// Credentials for a git remote, read from a Secret exactly like Flux's source-controller reads
/// <c>spec.secretRef</c>:
/// <list type="bullet">
/// <item>HTTP(S): <c>username</c> + <c>password</c> (basic auth), or <c>bearerToken</c>; <c>ca.crt</c> (legacy <c>caFile</c>) for HTTPS.</item>
/// <item>SSH: <c>identity</c> (private key, required), <c>known_hosts</c> (required), optional <c>password</c> (key passphrase).</item>
/// </list>
/// Basic auth over plain HTTP is allowed (Flux sets InsecureCredentialsOverHTTP for http:// URLs).
/// <see cref="ToString"/> never prints secret values.
/// </summary>
public sealed class GitAuth
{
    public GitTransport Transport { get; init; }

    public string? Username { get; init; }

    public string? Password { get; init; }

    public string? BearerToken { get; init; }

    /// <summary>PEM CA bundle used to verify the HTTPS server.</summary>
    public byte[]? CaCert { get; init; }

    /// <summary>SSH private key (PEM / OpenSSH format).</summary>
    public byte[]? Identity { get; init; }

    /// <summary>SSH known_hosts content.</summary>
    public byte[]? KnownHosts { get; init; }

    /// <summary>The transport of <paramref name="url"/>; throws <see cref="GitOperationException"/> for an unsupported scheme.</summary>
    public static GitTransport TransportOf(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            return GitTransport.Https;
        }

        if (url.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            return GitTransport.Http;
        }

        if (url.StartsWith("ssh://", StringComparison.OrdinalIgnoreCase))
        {
            return GitTransport.Ssh;
        }

        if (url.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
        {
            return GitTransport.File;
        }
        // scp-like syntax: user@host:path
        int colon = url.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && !url.Contains("://", StringComparison.Ordinal) && url.IndexOf('/', StringComparison.Ordinal) is var slash && (slash < 0 || slash > colon))
        {
            return GitTransport.Ssh;
        }

        throw new GitOperationException(GitErrorKind.InvalidInput,
            $"unsupported git URL '{GitSanitizer.RedactUrl(url)}': use an http://, https://, ssh:// or file:// URL");
    }

    /// <summary>
    /// Builds the credentials for <paramref name="url"/> from the data of a Secret, validating the
    /// combination like Flux (a clear message names the missing or conflicting key).
    /// </summary>
    public static GitAuth FromSecret(IReadOnlyDictionary<string, byte[]> data, string url)
    {
        ArgumentNullException.ThrowIfNull(data);
        var transport = TransportOf(url);
        string? Str(string key) => data.TryGetValue(key, out var v) && v.Length > 0 ? Encoding.UTF8.GetString(v) : null;
        byte[]? Bytes(string key) => data.TryGetValue(key, out var v) && v.Length > 0 ? v : null;

        switch (transport)
        {
            case GitTransport.Ssh:
            {
                var identity = Bytes("identity");
                var knownHosts = Bytes("known_hosts");
                if (identity is null)
                    {
                        throw new GitOperationException(GitErrorKind.InvalidAuth,
                        "invalid 'ssh' auth option: 'identity' is required: the secret must contain the private key under the 'identity' key for an SSH URL");
                    }

                    if (knownHosts is null)
                    {
                        throw new GitOperationException(GitErrorKind.InvalidAuth,
                        "invalid 'ssh' auth option: 'known_hosts' is required: the secret must contain the server's host key(s) under the 'known_hosts' key for an SSH URL");
                    }

                    if (Str("bearerToken") is not null)
                    {
                        throw new GitOperationException(GitErrorKind.InvalidAuth,
                        "invalid 'ssh' auth option: 'bearerToken' is only supported for HTTP(S) URLs");
                    }

                    return new GitAuth
                {
                    Transport = transport,
                    Identity = identity,
                    KnownHosts = knownHosts,
                    Password = Str("password"),
                    Username = Str("username"),
                };
            }
            case GitTransport.Http:
            case GitTransport.Https:
            {
                var username = Str("username");
                var password = Str("password");
                var bearer = Str("bearerToken");
                string scheme = transport == GitTransport.Https ? "https" : "http";
                if (password is not null && username is null)
                    {
                        throw new GitOperationException(GitErrorKind.InvalidAuth,
                        $"invalid '{scheme}' auth option: 'password' requires 'username' to be set in the secret");
                    }

                    if (bearer is not null && (username is not null || password is not null))
                    {
                        throw new GitOperationException(GitErrorKind.InvalidAuth,
                        $"invalid '{scheme}' auth option: 'bearerToken' cannot be combined with 'username'/'password': keep only one of them in the secret");
                    }

                    return new GitAuth
                {
                    Transport = transport,
                    Username = username,
                    Password = password,
                    BearerToken = bearer,
                    CaCert = Bytes("ca.crt") ?? Bytes("caFile"),
                };
            }
            default:
                return new GitAuth { Transport = transport };
        }
    }

    /// <summary>Basic-auth credentials for an HTTP(S) URL (used when the URL carries <c>user:pass@</c>).</summary>
    public static GitAuth Basic(string url, string username, string? password) =>
        new() { Transport = TransportOf(url), Username = username, Password = password };

    /// <summary>The values that must never appear in output (for the sanitizer).</summary>
    internal IEnumerable<string> SecretValues()
    {
        if (!string.IsNullOrEmpty(Password))
        {
            yield return Password;
        }

        if (!string.IsNullOrEmpty(BearerToken))
        {
            yield return BearerToken;
        }
    }

    public override string ToString()
    {
        var parts = new List<string> { $"transport={Transport}" };
        if (Username is not null)
        {
            parts.Add($"username={Username}");
        }

        if (Password is not null)
        {
            parts.Add("password=<redacted>");
        }

        if (BearerToken is not null)
        {
            parts.Add("bearerToken=<redacted>");
        }

        if (CaCert is not null)
        {
            parts.Add("ca.crt=<set>");
        }

        if (Identity is not null)
        {
            parts.Add("identity=<redacted>");
        }

        if (KnownHosts is not null)
        {
            parts.Add("known_hosts=<set>");
        }

        return $"GitAuth({string.Join(", ", parts)})";
    }
}
