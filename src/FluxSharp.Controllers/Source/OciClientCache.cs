using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using FluxSharp.Sources.Oci;

namespace FluxSharp.Controllers.Source;

/// <summary>
/// Registry clients reused across reconciles, one per distinct connection setting (registry, credentials, TLS,
/// proxy, timeout), so a no-change reconcile of a private registry reuses its connection and its bearer token and
/// costs one manifest HEAD. Keys hold hashes of secrets, never the secrets. Bounded: past the limit the cache starts
/// over (clients in use finish their operation; idle connections close on their own).
/// </summary>
public sealed class OciClientCache
{
    private const int Limit = 512;
    private readonly ConcurrentDictionary<string, Lazy<OciRegistryClient>> _clients = new(StringComparer.Ordinal);

    public OciRegistryClient For(string registry, OciClientOptions options, WebProxyKey? proxy)
    {
        ArgumentNullException.ThrowIfNull(options);
        var key = string.Join('|',
            registry,
            options.Insecure,
            Hash(options.Credentials is { } c ? $"{c.Username}\n{c.Password}\n{c.RegistryToken}" : ""),
            string.Join(',', (options.CaCertificates ?? []).Select(ca => ca.Thumbprint)),
            options.ClientCertificate?.Thumbprint ?? "",
            proxy is null ? "" : $"{proxy.Address}#{Hash(proxy.Credentials)}",
            options.Timeout.Ticks,
            options.MaxBlobBytes);
        if (_clients.Count >= Limit && !_clients.ContainsKey(key))
        {
            _clients.Clear();
        }

        return _clients.GetOrAdd(key, _ => new Lazy<OciRegistryClient>(() => new OciRegistryClient(options))).Value;
    }

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}

/// <summary>What identifies a proxy setting in <see cref="OciClientCache"/>: its address and its credentials (hashed there).</summary>
public sealed record WebProxyKey(Uri Address, string Credentials)
{
    public static WebProxyKey? Of(IWebProxy? proxy) => proxy is WebProxy { Address: { } address } web
        ? new WebProxyKey(address, web.Credentials is NetworkCredential n ? $"{n.UserName}\n{n.Password}" : "")
        : null;

    public override string ToString() => $"WebProxyKey {{ Address = {Address} }}";
}
