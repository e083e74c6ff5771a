using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace FluxSharp.Sources.Oci;

/// <summary>
/// A client of the OCI distribution API (registry v2) over HttpClient: manifests (OCI and Docker schema 2, images
/// and indexes), blobs (existence, cross-repository mount, monolithic or chunked upload, digest-verified download),
/// tags (paginated). Authentication answers the registry's WWW-Authenticate challenge: anonymous, basic, or a bearer
/// token from the challenge's realm (with the credentials when there are some). One client serves one registry host;
/// tokens are cached per repository scope for its lifetime.
/// </summary>
public sealed class OciRegistryClient : IDisposable
{
    private readonly OciClientOptions _options;
    private readonly HttpClient _http;
    private readonly OciAuthenticator _auth;

    public OciRegistryClient(OciClientOptions? options = null, HttpMessageHandler? handler = null)
    {
        _options = options ?? new OciClientOptions();
        _http = new HttpClient(handler ?? CreateHandler(_options), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(_options.UserAgent);
        _auth = new OciAuthenticator(_http, _options.Credentials);
    }

    public OciClientOptions Options => _options;

    public void Dispose() => _http.Dispose();

    /// <summary>The digest, media type and size of a manifest from one HEAD request; null when it does not exist.</summary>
    public Task<OciDescriptor?> HeadManifestAsync(OciReference reference, CancellationToken cancellationToken) =>
        WithTimeoutAsync(reference, async ct =>
        {
            using var response = await SendAsync(reference, push: false, () => ManifestRequest(HttpMethod.Head, reference), ct);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            await EnsureSuccessAsync(response, reference, ct);
            var digest = Header(response, "Docker-Content-Digest");
            if (digest is null)
            {
                // Some registries omit the header on HEAD: the GET computes it.
                var (_, _, d) = await GetManifestCoreAsync(reference, ct);
                return new OciDescriptor { Digest = d, MediaType = response.Content.Headers.ContentType?.MediaType ?? "" };
            }

            return new OciDescriptor
            {
                Digest = digest,
                MediaType = response.Content.Headers.ContentType?.MediaType ?? "",
                Size = response.Content.Headers.ContentLength ?? 0,
            };
        }, cancellationToken);

    /// <summary>A manifest or index, its exact bytes and its verified digest. Throws NotFound when it does not exist.</summary>
    public Task<(OciManifest Manifest, byte[] Bytes, string Digest)> GetManifestAsync(OciReference reference, CancellationToken cancellationToken) =>
        WithTimeoutAsync(reference, ct => GetManifestCoreAsync(reference, ct), cancellationToken);

    /// <summary>Pushes manifest bytes under <paramref name="reference"/>'s tag (or digest); returns the digest.</summary>
    public Task<string> PutManifestAsync(OciReference reference, byte[] manifest, string mediaType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(manifest));
        return WithTimeoutAsync(reference, async ct =>
        {
            using var response = await SendAsync(reference, push: true, () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Put, Url(reference, $"manifests/{reference.Tag ?? reference.Digest ?? digest}"))
                {
                    Content = new ByteArrayContent(manifest),
                };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
                return request;
            }, ct);
            await EnsureSuccessAsync(response, reference, ct);
            var answered = Header(response, "Docker-Content-Digest");
            if (answered is not null && answered != digest)
            {
                throw new OciException(OciErrorKind.DigestMismatch, $"{reference}: the registry stored the manifest as {answered}, expected {digest}");
            }

            return digest;
        }, cancellationToken);
    }

    /// <summary>Whether the repository holds the blob (one HEAD request).</summary>
    public Task<bool> BlobExistsAsync(OciReference repository, string digest, CancellationToken cancellationToken) =>
        WithTimeoutAsync(repository, async ct =>
        {
            using var response = await SendAsync(repository, push: false, () => new HttpRequestMessage(HttpMethod.Head, Url(repository, $"blobs/{digest}")), ct);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return false;
            }

            await EnsureSuccessAsync(response, repository, ct);
            return true;
        }, cancellationToken);

    /// <summary>A small blob (a config) in memory, digest and size verified.</summary>
    public async Task<byte[]> GetBlobBytesAsync(OciReference repository, OciDescriptor blob, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await CopyBlobAsync(repository, blob, buffer, cancellationToken);
        return buffer.ToArray();
    }

    /// <summary>
    /// Streams a blob into <paramref name="destination"/>, refusing more than the descriptor's size or
    /// <see cref="OciClientOptions.MaxBlobBytes"/>, and verifying its digest at the end. On a mismatch the bytes
    /// already written must be discarded by the caller (write to a temporary file).
    /// </summary>
    public Task CopyBlobAsync(OciReference repository, OciDescriptor blob, Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(destination);
        if (blob.Size > _options.MaxBlobBytes)
        {
            throw new OciException(OciErrorKind.SizeLimitExceeded,
                $"{repository.WithDigest(blob.Digest)}: blob of {blob.Size} bytes is over the size limit of {_options.MaxBlobBytes} bytes");
        }

        return WithTimeoutAsync(repository, async ct =>
        {
            await CopyBlobCoreAsync(repository, blob, destination, ct);
            return true;
        }, cancellationToken);
    }

    private async Task CopyBlobCoreAsync(OciReference repository, OciDescriptor blob, Stream destination, CancellationToken ct)
    {
        using var hash = Hasher(blob.Digest, repository);
        using var response = await SendAsync(repository, push: false, () => new HttpRequestMessage(HttpMethod.Get, Url(repository, $"blobs/{blob.Digest}")), ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new OciException(OciErrorKind.NotFound, $"{repository.WithDigest(blob.Digest)}: blob not found in the registry (BLOB_UNKNOWN)");
        }

        await EnsureSuccessAsync(response, repository, ct);
        var limit = blob.Size > 0 ? blob.Size : _options.MaxBlobBytes;
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[81920];
        long total = 0;
        int n;
        while ((n = await body.ReadAsync(buffer, ct)) > 0)
        {
            total += n;
            if (total > limit)
            {
                throw new OciException(OciErrorKind.SizeLimitExceeded,
                    $"{repository.WithDigest(blob.Digest)}: blob is larger than {(blob.Size > 0 ? $"its descriptor's size of {blob.Size}" : $"the size limit of {_options.MaxBlobBytes}")} bytes");
            }

            hash.AppendData(buffer, 0, n);
            await destination.WriteAsync(buffer.AsMemory(0, n), ct);
        }

        var actual = Prefix(blob.Digest) + Convert.ToHexStringLower(hash.GetHashAndReset());
        if (actual != blob.Digest || (blob.Size > 0 && total != blob.Size))
        {
            throw new OciException(OciErrorKind.DigestMismatch,
                $"{repository.WithDigest(blob.Digest)}: digest mismatch: downloaded {total} bytes hashing to {actual}");
        }
    }

    /// <summary>
    /// Makes sure the repository holds the blob: nothing when it already does, a cross-repository mount from
    /// <paramref name="mountFrom"/> when given (same registry), else an upload of <paramref name="open"/>'s bytes
    /// (monolithic, or chunked when <see cref="OciClientOptions.ChunkSize"/> is set).
    /// </summary>
    public async Task PushBlobAsync(OciReference repository, OciDescriptor blob, Func<Stream> open, string? mountFrom, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(open);
        if (await BlobExistsAsync(repository, blob.Digest, cancellationToken))
        {
            return;
        }

        await WithTimeoutAsync(repository, async ct =>
        {
            var mount = mountFrom is null ? "" : $"?mount={Uri.EscapeDataString(blob.Digest)}&from={Uri.EscapeDataString(mountFrom)}";
            Uri location;
            using (var start = await SendAsync(repository, push: true, () => new HttpRequestMessage(HttpMethod.Post, Url(repository, "blobs/uploads/" + mount)), ct, mountFrom))
            {
                if (start.StatusCode == HttpStatusCode.Created && mountFrom is not null)
                {
                    return true; // mounted
                }

                await EnsureSuccessAsync(start, repository, ct);
                location = Location(start, repository);
            }

            if (_options.ChunkSize > 0)
            {
                location = await UploadChunksAsync(repository, location, open, ct);
                using var done = await SendAsync(repository, push: true, () => new HttpRequestMessage(HttpMethod.Put, WithQuery(location, "digest", blob.Digest))
                {
                    Content = new ByteArrayContent([]),
                }, ct);
                await EnsureSuccessAsync(done, repository, ct);
            }
            else
            {
                using var put = await SendAsync(repository, push: true, () =>
                {
                    var content = new StreamContent(open());
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                    content.Headers.ContentLength = blob.Size;
                    return new HttpRequestMessage(HttpMethod.Put, WithQuery(location, "digest", blob.Digest)) { Content = content };
                }, ct);
                await EnsureSuccessAsync(put, repository, ct);
            }

            return true;
        }, cancellationToken);
    }

    /// <summary>Every tag of the repository, following the registry's <c>Link</c> pagination.</summary>
    public Task<IReadOnlyList<string>> ListTagsAsync(OciReference repository, CancellationToken cancellationToken) =>
        WithTimeoutAsync<IReadOnlyList<string>>(repository, async ct =>
        {
            var tags = new List<string>();
            Uri? next = Url(repository, $"tags/list?n={_options.TagPageSize}");
            for (var pages = 0; next is not null && pages < 10_000; pages++)
            {
                var page = next;
                using var response = await SendAsync(repository, push: false, () => new HttpRequestMessage(HttpMethod.Get, page), ct);
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    throw new OciException(OciErrorKind.NotFound, $"{repository.RepositoryUrl}: repository not found in the registry (NAME_UNKNOWN)");
                }

                await EnsureSuccessAsync(response, repository, ct);
                var body = await ReadLimitedAsync(response, _options.MaxManifestBytes * 4, repository, ct);
                using var doc = JsonDocument.Parse(body);
                if (doc.RootElement.TryGetProperty("tags", out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    tags.AddRange(list.EnumerateArray().Select(t => t.GetString()).OfType<string>());
                }

                next = NextLink(response, page);
            }

            return tags;
        }, cancellationToken);

    private async Task<Uri> UploadChunksAsync(OciReference repository, Uri location, Func<Stream> open, CancellationToken ct)
    {
        await using var input = open();
        var buffer = new byte[_options.ChunkSize];
        long offset = 0;
        while (true)
        {
            var filled = 0;
            int n;
            while (filled < buffer.Length && (n = await input.ReadAsync(buffer.AsMemory(filled), ct)) > 0)
            {
                filled += n;
            }

            if (filled == 0)
            {
                return location;
            }

            var chunk = buffer[..filled];
            var from = offset;
            var at = location;
            using var response = await SendAsync(repository, push: true, () =>
            {
                var content = new ByteArrayContent(chunk);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                var request = new HttpRequestMessage(HttpMethod.Patch, at) { Content = content };
                request.Content.Headers.TryAddWithoutValidation("Content-Range", $"{from}-{from + chunk.Length - 1}");
                return request;
            }, ct);
            await EnsureSuccessAsync(response, repository, ct);
            location = Location(response, repository);
            offset += filled;
        }
    }

    private async Task<(OciManifest Manifest, byte[] Bytes, string Digest)> GetManifestCoreAsync(OciReference reference, CancellationToken ct)
    {
        using var response = await SendAsync(reference, push: false, () => ManifestRequest(HttpMethod.Get, reference), ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new OciException(OciErrorKind.NotFound, $"{reference}: manifest unknown (MANIFEST_UNKNOWN): the repository or tag does not exist");
        }

        await EnsureSuccessAsync(response, reference, ct);
        var bytes = await ReadLimitedAsync(response, _options.MaxManifestBytes, reference, ct);
        var expected = reference.Digest ?? Header(response, "Docker-Content-Digest");
        var algorithm = expected is not null && expected.StartsWith("sha512:", StringComparison.Ordinal) ? "sha512:" : "sha256:";
        var actual = algorithm + Convert.ToHexStringLower(algorithm == "sha512:" ? SHA512.HashData(bytes) : SHA256.HashData(bytes));
        if (expected is not null && expected != actual)
        {
            throw new OciException(OciErrorKind.DigestMismatch, $"{reference}: manifest digest mismatch: expected {expected}, got {actual}");
        }

        var manifest = OciManifest.Parse(bytes, response.Content.Headers.ContentType?.MediaType, reference.ToString());
        return (manifest, bytes, actual);
    }

    private HttpRequestMessage ManifestRequest(HttpMethod method, OciReference reference)
    {
        var request = new HttpRequestMessage(method, Url(reference, $"manifests/{reference.Identifier}"));
        foreach (var mediaType in OciMediaTypes.Manifests)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mediaType));
        }

        return request;
    }

    private Uri Url(OciReference reference, string path) =>
        new($"{(_options.Insecure ? "http" : "https")}://{reference.ApiHost}/v2/{reference.Repository}/{path}");

    /// <summary>Sends with the cached authorization of the scope; on 401 answers the challenge once and resends.</summary>
    private async Task<HttpResponseMessage> SendAsync(OciReference repository, bool push, Func<HttpRequestMessage> make, CancellationToken ct, string? alsoPull = null)
    {
        var scope = $"repository:{repository.Repository}:{(push ? "pull,push" : "pull")}" + (alsoPull is null ? "" : $" repository:{alsoPull}:pull");
        var response = await SendOnceAsync(make, _auth.Cached(scope), repository, ct);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        var challenge = response.Headers.WwwAuthenticate.FirstOrDefault();
        response.Dispose();
        var authorization = await _auth.AnswerAsync(repository, challenge, scope, ct);
        response = await SendOnceAsync(make, authorization, repository, ct);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            response.Dispose();
            throw new OciException(OciErrorKind.AuthenticationFailed, $"{repository.RepositoryUrl}: authentication failed: the registry refused the credentials (401 Unauthorized)");
        }

        return response;
    }

    private async Task<HttpResponseMessage> SendOnceAsync(Func<HttpRequestMessage> make, AuthenticationHeaderValue? authorization, OciReference repository, CancellationToken ct)
    {
        using var request = make();
        request.Headers.Authorization = authorization;
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException e)
        {
            throw Unreachable(repository, e);
        }
    }

    private async Task<T> WithTimeoutAsync<T>(OciReference reference, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            return await operation(timeout.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new OciException(OciErrorKind.Timeout, $"{reference}: the registry did not answer within {_options.Timeout.TotalSeconds:0.###}s", e);
        }
    }

    internal static async Task EnsureSuccessAsync(HttpResponseMessage response, OciReference reference, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var detail = "";
        try
        {
            var body = await ReadLimitedAsync(response, 8192, reference, ct, truncate: true);
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                detail = string.Join("; ", errors.EnumerateArray().Select(e =>
                    $"{(e.TryGetProperty("code", out var c) ? c.GetString() : "")}: {(e.TryGetProperty("message", out var m) ? m.GetString() : "")}"));
            }
        }
        catch (JsonException)
        {
            // A non-JSON error body: the status says enough.
        }

        var kind = response.StatusCode switch
        {
            HttpStatusCode.NotFound => OciErrorKind.NotFound,
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => OciErrorKind.AuthenticationFailed,
            HttpStatusCode.BadRequest when detail.Contains("MANIFEST_INVALID", StringComparison.Ordinal) => OciErrorKind.UnsupportedMediaType,
            HttpStatusCode.RequestEntityTooLarge => OciErrorKind.SizeLimitExceeded,
            _ => OciErrorKind.Other,
        };
        throw new OciException(kind, $"{reference}: {response.RequestMessage?.Method} failed with {(int)response.StatusCode} {response.ReasonPhrase}{(detail.Length > 0 ? " (" + detail + ")" : "")}");
    }

    internal static async Task<byte[]> ReadLimitedAsync(HttpResponseMessage response, long limit, OciReference reference, CancellationToken ct, bool truncate = false)
    {
        if (!truncate && response.Content.Headers.ContentLength > limit)
        {
            throw new OciException(OciErrorKind.SizeLimitExceeded, $"{reference}: the response of {response.Content.Headers.ContentLength} bytes is over the limit of {limit} bytes");
        }

        await using var body = await response.Content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[16384];
        int n;
        while ((n = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + n > limit)
            {
                if (truncate)
                {
                    buffer.Write(chunk, 0, (int)(limit - buffer.Length));
                    break;
                }

                throw new OciException(OciErrorKind.SizeLimitExceeded, $"{reference}: the response is over the limit of {limit} bytes");
            }

            buffer.Write(chunk, 0, n);
        }

        return buffer.ToArray();
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static Uri Location(HttpResponseMessage response, OciReference reference)
    {
        var location = response.Headers.Location
            ?? throw new OciException(OciErrorKind.Other, $"{reference}: the registry answered an upload without a Location");
        return location.IsAbsoluteUri ? location : new Uri(response.RequestMessage!.RequestUri!, location);
    }

    private static Uri WithQuery(Uri uri, string key, string value) =>
        new(uri.ToString() + (string.IsNullOrEmpty(uri.Query) ? "?" : "&") + key + "=" + Uri.EscapeDataString(value));

    /// <summary>The <c>rel="next"</c> target of a Link header (RFC 5988), resolved against the page.</summary>
    private static Uri? NextLink(HttpResponseMessage response, Uri page)
    {
        if (!response.Headers.TryGetValues("Link", out var links))
        {
            return null;
        }

        foreach (var link in links.SelectMany(l => l.Split(',')))
        {
            var open = link.IndexOf('<', StringComparison.Ordinal);
            var close = link.IndexOf('>', StringComparison.Ordinal);
            if (open >= 0 && close > open && link.Contains("rel=\"next\"", StringComparison.Ordinal))
            {
                return new Uri(page, link[(open + 1)..close]);
            }
        }

        return null;
    }

    private static IncrementalHash Hasher(string digest, OciReference reference) => Prefix(digest) switch
    {
        "sha256:" => IncrementalHash.CreateHash(HashAlgorithmName.SHA256),
        "sha512:" => IncrementalHash.CreateHash(HashAlgorithmName.SHA512),
        _ => throw new OciException(OciErrorKind.InvalidInput, $"{reference}: unsupported digest '{digest}'"),
    };

    private static string Prefix(string digest) => digest[..(digest.IndexOf(':', StringComparison.Ordinal) + 1)];

    internal static OciException Unreachable(OciReference reference, HttpRequestException e)
    {
        var tls = e.InnerException is AuthenticationException;
        return new OciException(tls ? OciErrorKind.AuthenticationFailed : OciErrorKind.Unreachable,
            tls ? $"{reference.Registry}: TLS handshake failed: the registry's certificate is not trusted (set a CA in spec.certSecretRef, or spec.insecure for plain HTTP)"
                : $"{reference.Registry}: registry unreachable: {e.Message}", e);
    }

    private static SocketsHttpHandler CreateHandler(OciClientOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.Timeout,
            AllowAutoRedirect = true,
            Proxy = options.Proxy,
            UseProxy = options.Proxy is not null,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        if (options.ClientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [options.ClientCertificate];
        }

        if (options.CaCertificates is { Count: > 0 } cas)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (errors == SslPolicyErrors.None)
                {
                    return true;
                }

                if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(cas);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(certificate));
            };
        }

        return handler;
    }
}
