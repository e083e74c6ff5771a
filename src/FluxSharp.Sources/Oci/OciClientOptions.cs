using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace FluxSharp.Sources.Oci;

/// <summary>How an <see cref="OciRegistryClient"/> reaches a registry.</summary>
public sealed record OciClientOptions
{
    /// <summary>Plain HTTP instead of HTTPS (Flux's <c>spec.insecure</c>, <c>--insecure-registry</c>).</summary>
    public bool Insecure { get; init; }

    /// <summary>Extra certificate authorities trusted for the registry's certificate (<c>ca.crt</c>); null trusts the system's.</summary>
    public X509Certificate2Collection? CaCertificates { get; init; }

    /// <summary>A client certificate for mutual TLS (<c>tls.crt</c> + <c>tls.key</c>).</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>Basic credentials, also exchanged for bearer tokens; null is anonymous.</summary>
    public OciCredentials? Credentials { get; init; }

    /// <summary>A proxy for every request (Flux's <c>spec.proxySecretRef</c>); null uses none.</summary>
    public IWebProxy? Proxy { get; init; }

    /// <summary>The deadline of one operation (a manifest request, one blob transfer).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Manifests larger than this are refused (the distribution spec's recommended 4 MiB).</summary>
    public long MaxManifestBytes { get; init; } = 4L << 20;

    /// <summary>Blobs larger than this are refused before and while downloading.</summary>
    public long MaxBlobBytes { get; init; } = 256L << 20;

    /// <summary>Upload blobs in PATCH chunks of this many bytes; 0 uploads each blob in one PUT.</summary>
    public int ChunkSize { get; init; }

    /// <summary>Tags asked for per page of a tag listing (the registry may answer fewer and link the next page).</summary>
    public int TagPageSize { get; init; } = 1000;

    public string UserAgent { get; init; } = "fluxsharp";
}
