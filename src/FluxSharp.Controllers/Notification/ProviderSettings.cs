using System.Security.Cryptography.X509Certificates;

namespace FluxSharp.Controllers.Notification;

/// <summary>
/// A Provider resolved with its Secrets, as notification-controller's notifier options: the address (the secret's
/// "address" wins over spec.address), token, basic auth, headers, channel, username, TLS and proxy.
/// Holds secrets: never log or print it.
/// </summary>
public sealed record ProviderSettings
{
    public required string Type { get; init; }

    /// <summary>namespace/name of the Provider (for messages).</summary>
    public required string Name { get; init; }

    public string ProviderUid { get; init; } = string.Empty;

    public string Address { get; init; } = string.Empty;

    public string? Token { get; init; }

    public string? Username { get; init; }

    public string? Password { get; init; }

    public string? Channel { get; init; }

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>The secretRef's data, for types reading more keys (e.g. nats).</summary>
    public IReadOnlyDictionary<string, byte[]> SecretData { get; init; } = new Dictionary<string, byte[]>();

    /// <summary>The commit status key/context (commit status types only).</summary>
    public string? CommitStatus { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(15);

    public ProviderTls? Tls { get; init; }

    public ProviderProxy? Proxy { get; init; }

    /// <summary>The secret strings to mask in any message about this provider.</summary>
    public IEnumerable<string> Secrets()
    {
        foreach (var s in new[] { Token, Password, Address })
        {
            if (!string.IsNullOrEmpty(s))
            {
                yield return s;
            }
        }

        foreach (var h in Headers.Values.Where(v => v.Length > 0))
        {
            yield return h;
        }
    }
}

/// <summary>certSecretRef: a CA to trust (instead of the system's) and a client certificate for mTLS.</summary>
public sealed record ProviderTls(X509Certificate2Collection? Ca, X509Certificate2? ClientCertificate, string Fingerprint);

/// <summary>proxySecretRef (or the deprecated spec.proxy / secret "proxy" key): the proxy address and its credentials.</summary>
public sealed record ProviderProxy(Uri Address, string? Username, string? Password);
