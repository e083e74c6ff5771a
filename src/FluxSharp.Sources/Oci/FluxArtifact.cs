using System.Globalization;
using System.Security.Cryptography;
using FluxSharp.Sources.Artifacts;

namespace FluxSharp.Sources.Oci;

/// <summary>What <c>flux push artifact</c> records about an artifact's origin (manifest annotations).</summary>
public sealed record FluxArtifactMetadata
{
    /// <summary><c>--source</c>: where the content comes from (e.g. a git URL).</summary>
    public string? Source { get; init; }

    /// <summary><c>--revision</c>: the revision of the source (e.g. <c>main@sha1:...</c>).</summary>
    public string? Revision { get; init; }

    /// <summary><c>--annotations</c>: extra manifest annotations.</summary>
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    /// <summary><c>--reproducible</c>: the created annotation is the Unix epoch, so the same content gives the same digest.</summary>
    public bool Reproducible { get; init; }
}

/// <summary>A layer picked from an artifact's manifest, with the manifest's digest and annotations.</summary>
public sealed record OciArtifactLayer(OciReference Reference, string ManifestDigest, OciDescriptor Layer, IReadOnlyDictionary<string, string> Annotations);

/// <summary>
/// Flux's OCI artifact format, so artifacts are interchangeable with <c>flux push artifact</c>: an OCI image manifest
/// whose config is <c>application/vnd.cncf.flux.config.v1+json</c> and whose one layer is the tar.gz of the content
/// (<c>application/vnd.cncf.flux.content.v1.tar+gzip</c>), annotated with the OCI source, revision and created keys.
/// The tar.gz is deterministic (sorted, no times or owners), so the same content and metadata give the same digest.
/// </summary>
public static class FluxArtifact
{
    /// <summary>The <c>created</c> annotation of a reproducible artifact.</summary>
    public const string EpochCreated = "1970-01-01T00:00:00Z";

    /// <summary>The config blob: an empty JSON object.</summary>
    public static ReadOnlyMemory<byte> ConfigBytes { get; } = "{}"u8.ToArray();

    /// <summary><c>flux push artifact</c>'s default <c>--ignore-paths</c>: version control files and binary extensions.</summary>
    public static IReadOnlyList<string> DefaultIgnorePaths { get; } =
        [.. SourceIgnore.VcsPatterns, "*.jpg", "*.jpeg", "*.gif", "*.png", "*.wmv", "*.flv", "*.tar.gz", "*.zip"];

    /// <summary>Writes the tar.gz of a directory (ignore patterns applied) or of one file to <paramref name="output"/>.</summary>
    public static async Task BuildAsync(string path, IEnumerable<string>? ignorePaths, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            await DeterministicTar.WriteAsync(path, SourceIgnore.FromPatterns(ignorePaths ?? DefaultIgnorePaths), output, cancellationToken);
        }
        else if (File.Exists(path))
        {
            await DeterministicTar.WriteFileAsync(path, output, cancellationToken);
        }
        else
        {
            throw new OciException(OciErrorKind.InvalidInput, $"invalid path '{path}': no such file or directory");
        }
    }

    /// <summary>The manifest annotations of an artifact pushed at <paramref name="now"/>.</summary>
    public static SortedDictionary<string, string> Annotations(FluxArtifactMetadata metadata, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in metadata.Annotations ?? new Dictionary<string, string>())
        {
            annotations[key] = value;
        }

        annotations[OciAnnotations.Created] = metadata.Reproducible ? EpochCreated : now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        if (!string.IsNullOrEmpty(metadata.Source))
        {
            annotations[OciAnnotations.Source] = metadata.Source;
        }

        if (!string.IsNullOrEmpty(metadata.Revision))
        {
            annotations[OciAnnotations.Revision] = metadata.Revision;
        }

        return annotations;
    }

    /// <summary>The manifest of a Flux artifact for a built layer.</summary>
    public static OciManifest Manifest(OciDescriptor layer, SortedDictionary<string, string> annotations) => new()
    {
        SchemaVersion = 2,
        MediaType = OciMediaTypes.ImageManifest,
        Config = new OciDescriptor
        {
            MediaType = OciMediaTypes.FluxConfig,
            Digest = Sha256(ConfigBytes.Span),
            Size = ConfigBytes.Length,
        },
        Layers = [layer],
        Annotations = annotations,
    };

    /// <summary>Builds and pushes an artifact to <paramref name="reference"/>'s tag; returns the manifest digest.</summary>
    public static async Task<string> PushAsync(OciRegistryClient client, OciReference reference, string path, IEnumerable<string>? ignorePaths,
        FluxArtifactMetadata metadata, TimeProvider? time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(reference);
        var temp = Path.Combine(Path.GetTempPath(), "fluxsharp-oci-" + Guid.NewGuid().ToString("N") + ".tar.gz");
        try
        {
            await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                await BuildAsync(path, ignorePaths, output, cancellationToken);
            }

            var layer = await DescribeAsync(temp, OciMediaTypes.FluxContent, cancellationToken);
            var manifest = Manifest(layer, Annotations(metadata, (time ?? TimeProvider.System).GetUtcNow()));
            return await PushManifestAsync(client, reference, manifest, new Dictionary<string, Func<Stream>>
            {
                [manifest.Config!.Digest] = () => new MemoryStream(ConfigBytes.ToArray()),
                [layer.Digest] = () => File.OpenRead(temp),
            }, cancellationToken);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Pushes the manifest's blobs (from <paramref name="blobs"/>, by digest) and then the manifest.</summary>
    public static async Task<string> PushManifestAsync(OciRegistryClient client, OciReference reference, OciManifest manifest,
        IReadOnlyDictionary<string, Func<Stream>> blobs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(blobs);
        foreach (var blob in (manifest.Layers ?? []).Prepend(manifest.Config!))
        {
            await client.PushBlobAsync(reference, blob, blobs[blob.Digest], mountFrom: null, cancellationToken);
        }

        return await client.PutManifestAsync(reference, manifest.ToBytes(), manifest.MediaType ?? OciMediaTypes.ImageManifest, cancellationToken);
    }

    /// <summary>The descriptor (sha256 digest and size) of a file.</summary>
    public static async Task<OciDescriptor> DescribeAsync(string file, string mediaType, CancellationToken cancellationToken)
    {
        await using var input = File.OpenRead(file);
        var hash = await SHA256.HashDataAsync(input, cancellationToken);
        return new OciDescriptor { MediaType = mediaType, Digest = "sha256:" + Convert.ToHexStringLower(hash), Size = input.Length };
    }

    /// <summary>
    /// Resolves <paramref name="reference"/> to an image manifest (an index picks linux/amd64, else its first
    /// manifest) and picks its layer: the first of <paramref name="layerMediaType"/>, or the first layer when null.
    /// </summary>
    public static async Task<OciArtifactLayer> SelectLayerAsync(OciRegistryClient client, OciReference reference, string? layerMediaType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(reference);
        var (manifest, _, digest) = await client.GetManifestAsync(reference, cancellationToken);
        if (OciMediaTypes.IsIndex(manifest.MediaType))
        {
            var entries = manifest.Manifests ?? [];
            var pick = entries.FirstOrDefault(m => m.Platform is { Os: "linux", Architecture: "amd64" }) ?? (entries.Count > 0 ? entries[0] : null)
                ?? throw new OciException(OciErrorKind.NotFound, $"{reference}: the image index lists no manifests");
            (manifest, _, digest) = await client.GetManifestAsync(reference.WithDigest(pick.Digest), cancellationToken);
        }

        if (OciMediaTypes.IsIndex(manifest.MediaType))
        {
            throw new OciException(OciErrorKind.UnsupportedMediaType, $"{reference}: nested image indexes are not supported");
        }

        var layers = manifest.Layers ?? [];
        if (layers.Count == 0)
        {
            throw new OciException(OciErrorKind.NotFound, $"{reference}: no layers found in artifact");
        }

        var layer = layerMediaType is { Length: > 0 }
            ? layers.FirstOrDefault(l => l.MediaType == layerMediaType)
              ?? throw new OciException(OciErrorKind.UnsupportedMediaType, $"{reference}: failed to find layer with media type '{layerMediaType}'")
            : layers[0];
        return new OciArtifactLayer(reference, digest, layer, (IReadOnlyDictionary<string, string>?)manifest.Annotations ?? new Dictionary<string, string>());
    }

    /// <summary>Downloads a layer to <paramref name="file"/>, digest-verified; nothing is left behind on failure.</summary>
    public static async Task DownloadAsync(OciRegistryClient client, OciArtifactLayer layer, string file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(layer);
        try
        {
            await using var output = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
            await client.CopyBlobAsync(layer.Reference, layer.Layer, output, cancellationToken);
        }
        catch
        {
            File.Delete(file);
            throw;
        }
    }

    private static string Sha256(ReadOnlySpan<byte> bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Parses <c>key=value</c> annotation flags.</summary>
    public static Dictionary<string, string> ParseAnnotations(IEnumerable<string> pairs)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs ?? [])
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new OciException(OciErrorKind.InvalidInput, $"invalid annotation '{pair}': expected key=value");
            }

            result[pair[..eq]] = pair[(eq + 1)..];
        }

        return result;
    }
}
