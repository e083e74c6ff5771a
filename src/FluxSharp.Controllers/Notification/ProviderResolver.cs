using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using FluxSharp.Api;
using FluxSharp.Api.Notification.V1beta3;
using FluxSharp.Controllers.Notification.Notifiers;
using FluxSharp.Formats;
using FluxSharp.Kubernetes.Client;
using k8s;
using k8s.Models;

namespace FluxSharp.Controllers.Notification;

/// <summary>
/// Resolves a Provider with its Secrets into <see cref="ProviderSettings"/>, as notification-controller's
/// createNotifier: secretRef (address, token, username/password, headers, the deprecated proxy), proxySecretRef
/// (address, username, password), certSecretRef (ca.crt, tls.crt, tls.key; the legacy caFile/certFile/keyFile),
/// and for commit-status types a ca.crt in secretRef.
/// </summary>
public sealed class ProviderResolver
{
    private const int MaxAddressLength = 2048;
    private readonly IKubernetes _kube;
    private readonly TimeSpan _requestTimeout;

    public ProviderResolver(IKubernetes kube, TimeSpan? requestTimeout = null)
    {
        _kube = kube;
        _requestTimeout = requestTimeout ?? TimeSpan.FromSeconds(10);
    }

    public async Task<ProviderSettings> ResolveAsync(Provider provider, string? commitStatus, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var spec = provider.Spec;
        var ns = provider.Metadata.NamespaceProperty ?? "default";
        if (!string.IsNullOrEmpty(spec.ServiceAccountName))
        {
            throw new NotifierConfigException("spec.serviceAccountName (workload identity) is not supported yet by FluxSharp");
        }

        var settings = new ProviderSettings
        {
            Type = spec.Type,
            Name = $"{ns}/{provider.Metadata.Name}",
            ProviderUid = provider.Metadata.Uid ?? string.Empty,
            Address = spec.Address ?? string.Empty,
            Channel = spec.Channel,
            Username = spec.Username,
            CommitStatus = commitStatus,
            Timeout = GoDuration.TryParse(spec.Timeout, out var timeout) && timeout > TimeSpan.Zero ? timeout : TimeSpan.FromSeconds(15),
            Proxy = spec.Proxy is { Length: > 0 } p ? Proxy(p, null, null, "spec.proxy") : null,
        };

        IDictionary<string, byte[]>? secret = null;
        if (spec.SecretRef is { } secretRef)
        {
            secret = await SecretAsync(ns, secretRef.Name, "spec.secretRef", cancellationToken);
            settings = FromSecret(settings, secret, secretRef.Name);
        }

        if (spec.ProxySecretRef is { } proxyRef)
        {
            var data = await SecretAsync(ns, proxyRef.Name, "spec.proxySecretRef", cancellationToken);
            var address = Text(data, "address") ?? throw new NotifierConfigException($"secret '{ns}/{proxyRef.Name}' (spec.proxySecretRef) has no 'address' key");
            settings = settings with { Proxy = Proxy(address.Trim(), Text(data, "username"), Text(data, "password"), "spec.proxySecretRef") };
        }

        if (spec.CertSecretRef is { } certRef)
        {
            settings = settings with { Tls = Tls(await SecretAsync(ns, certRef.Name, "spec.certSecretRef", cancellationToken), $"{ns}/{certRef.Name}") };
        }
        else if (secret is not null && ProviderTypes.CommitStatus.Contains(spec.Type) && secret.ContainsKey("ca.crt"))
        {
            settings = settings with { Tls = Tls(secret, $"{ns}/{spec.SecretRef!.Name}") };
        }

        return settings;
    }

    private static ProviderSettings FromSecret(ProviderSettings settings, IDictionary<string, byte[]> data, string name)
    {
        if (Text(data, "address") is { } address)
        {
            if (address.Length > MaxAddressLength)
            {
                throw new NotifierConfigException($"invalid address in secret '{name}': address exceeds maximum length of {MaxAddressLength} bytes");
            }

            settings = settings with { Address = address.Trim() };
        }

        if (Text(data, "proxy") is { } proxy)
        {
            settings = settings with { Proxy = Proxy(proxy.Trim(), null, null, $"secret '{name}' key 'proxy'") };
        }

        if (Text(data, "headers") is { } headers)
        {
            try
            {
                var map = YamlJson.Parse(headers) as System.Text.Json.Nodes.JsonObject ?? throw new FormatException("not a map");
                settings = settings with { Headers = map.ToDictionary(kv => kv.Key, kv => kv.Value?.ToString() ?? string.Empty, StringComparer.Ordinal) };
            }
            catch (Exception e) when (e is FormatException or YamlSyntaxException or InvalidOperationException)
            {
                throw new NotifierConfigException($"failed to read headers from secret '{name}': expected a YAML map of header names to values");
            }
        }

        if (Text(data, "token") is { } token)
        {
            settings = settings with { Token = token.Trim() };
        }

        if (Text(data, "username") is { } user && Text(data, "password") is { } password)
        {
            settings = settings with { Username = user, Password = password };
        }

        return settings with { SecretData = data.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal) };
    }

    private static ProviderProxy Proxy(string address, string? username, string? password, string field) =>
        Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? new ProviderProxy(uri, username, password)
            : throw new NotifierConfigException($"invalid proxy address in {field}: expected an http(s) URL");

    private static ProviderTls Tls(IDictionary<string, byte[]> data, string name)
    {
        var ca = Text(data, "ca.crt") ?? Text(data, "caFile");
        var cert = Text(data, "tls.crt") ?? Text(data, "certFile");
        var key = Text(data, "tls.key") ?? Text(data, "keyFile");
        if (ca is null && (cert is null || key is null))
        {
            throw new NotifierConfigException($"secret '{name}' has neither 'ca.crt' nor both 'tls.crt' and 'tls.key'");
        }

        try
        {
            X509Certificate2Collection? trusted = null;
            if (ca is not null)
            {
                trusted = [];
                trusted.ImportFromPem(ca);
                if (trusted.Count == 0)
                {
                    throw new CryptographicException("no certificate in ca.crt");
                }
            }

            X509Certificate2? client = null;
            if (cert is not null && key is not null)
            {
                using var pem = X509Certificate2.CreateFromPem(cert, key);

                // Exported and re-read: SslStream on Linux needs a certificate whose key is not ephemeral.
                client = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            }

            var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ca + "\0" + cert + "\0" + key)));
            return new ProviderTls(trusted, client, fingerprint);
        }
        catch (CryptographicException)
        {
            throw new NotifierConfigException($"failed to get TLS config: secret '{name}' holds no valid PEM certificate/key");
        }
    }

    private static string? Text(IDictionary<string, byte[]> data, string key) =>
        data.TryGetValue(key, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;

    private async Task<IDictionary<string, byte[]>> SecretAsync(string ns, string name, string field, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_requestTimeout);
        try
        {
            V1Secret secret = await KubeApiException.CallAsync(() => _kube.CoreV1.ReadNamespacedSecretAsync(name, ns, cancellationToken: timeout.Token));
            return secret.Data ?? new Dictionary<string, byte[]>();
        }
        catch (KubeApiException e)
        {
            throw new NotifierConfigException($"failed to get secret '{ns}/{name}' ({field}): {e.Code}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new NotifierConfigException($"failed to get secret '{ns}/{name}' ({field}): timed out");
        }
    }
}
