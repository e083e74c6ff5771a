using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FluxSharp.LocalCluster.Http;

/// <summary>
/// The self-signed serving certificate (127.0.0.1 and localhost), which is its own CA in the kubeconfig. With a state
/// dir it is kept in <c>serving.pem</c> (certificate and key, 0600), so that kubeconfigs written earlier keep trusting
/// the server after a restart; it is made anew when missing, unreadable or within a month of expiry.
/// </summary>
internal static class ServingCertificate
{
    public const string FileName = "serving.pem";

    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(365);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    /// <summary>A new certificate, not kept anywhere.</summary>
    public static X509Certificate2 Create(TimeProvider time)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=fluxsharp-local-control-plane", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = time.GetUtcNow();
        using var cert = request.CreateSelfSigned(now.AddMinutes(-5), now.Add(Lifetime));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }

    /// <summary>The certificate kept in <paramref name="stateDir"/>, created there (0600) when it cannot be used.</summary>
    public static X509Certificate2 LoadOrCreate(string stateDir, TimeProvider time)
    {
        var path = Path.Combine(stateDir, FileName);
        if (TryLoad(path, time) is { } kept)
        {
            return kept;
        }

        var cert = Create(time);
        var pem = cert.ExportCertificatePem() + "\n" + cert.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem() + "\n";
        PrivateFile.WriteAtomically(path, pem);
        return cert;
    }

    private static X509Certificate2? TryLoad(string path, TimeProvider time)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(path);
            if (pem.NotAfter.ToUniversalTime() - time.GetUtcNow().UtcDateTime < RenewBefore)
            {
                return null;
            }

            // Re-imported from PKCS#12 so that the key is one the TLS stack can use on every platform.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pfx), null);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
