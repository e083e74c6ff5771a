using System.Text.Json;
using System.Text.Json.Serialization;

namespace FluxSharp.Sources.Oci;

/// <summary>An OCI content descriptor: what a manifest says about a blob or another manifest.</summary>
public sealed record OciDescriptor
{
    [JsonPropertyName("mediaType")]
    [JsonPropertyOrder(0)]
    public string MediaType { get; init; } = "";

    [JsonPropertyName("digest")]
    [JsonPropertyOrder(1)]
    public string Digest { get; init; } = "";

    [JsonPropertyName("size")]
    [JsonPropertyOrder(2)]
    public long Size { get; init; }

    [JsonPropertyName("annotations")]
    [JsonPropertyOrder(3)]
    public SortedDictionary<string, string>? Annotations { get; init; }

    /// <summary>In an index: the platform the manifest is for (absent for artifacts).</summary>
    [JsonPropertyName("platform")]
    [JsonPropertyOrder(4)]
    public OciPlatform? Platform { get; init; }
}

/// <summary>The platform of a manifest in an image index.</summary>
public sealed record OciPlatform
{
    [JsonPropertyName("architecture")]
    public string Architecture { get; init; } = "";

    [JsonPropertyName("os")]
    public string Os { get; init; } = "";
}

/// <summary>
/// An image manifest (OCI, or Docker schema 2 which has the same shape) or an image index (OCI, or a Docker
/// manifest list): the one JSON shape both kinds share, <see cref="Layers"/> for manifests and
/// <see cref="Manifests"/> for indexes.
/// </summary>
public sealed record OciManifest
{
    [JsonPropertyName("schemaVersion")]
    [JsonPropertyOrder(0)]
    public int SchemaVersion { get; init; } = 2;

    [JsonPropertyName("mediaType")]
    [JsonPropertyOrder(1)]
    public string? MediaType { get; init; }

    [JsonPropertyName("artifactType")]
    [JsonPropertyOrder(2)]
    public string? ArtifactType { get; init; }

    [JsonPropertyName("config")]
    [JsonPropertyOrder(3)]
    public OciDescriptor? Config { get; init; }

    [JsonPropertyName("layers")]
    [JsonPropertyOrder(4)]
    public IReadOnlyList<OciDescriptor>? Layers { get; init; }

    [JsonPropertyName("manifests")]
    [JsonPropertyOrder(5)]
    public IReadOnlyList<OciDescriptor>? Manifests { get; init; }

    [JsonPropertyName("annotations")]
    [JsonPropertyOrder(6)]
    public SortedDictionary<string, string>? Annotations { get; init; }

    private static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The canonical bytes pushed for this manifest (properties in a fixed order, sorted annotations).</summary>
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Parses manifest bytes; the media type comes from the body, else from the response's Content-Type.</summary>
    public static OciManifest Parse(ReadOnlySpan<byte> body, string? contentType, string what)
    {
        OciManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<OciManifest>(body, Json);
        }
        catch (JsonException e)
        {
            throw new OciException(OciErrorKind.UnsupportedMediaType, $"{what}: manifest is not valid JSON: {e.Message}", e);
        }

        if (manifest is null)
        {
            throw new OciException(OciErrorKind.UnsupportedMediaType, $"{what}: manifest is empty");
        }

        var mediaType = manifest.MediaType ?? contentType;
        if (mediaType is null && manifest.Manifests is not null)
        {
            mediaType = OciMediaTypes.ImageIndex;
        }

        mediaType ??= OciMediaTypes.ImageManifest;
        if (!OciMediaTypes.Manifests.Contains(mediaType) || manifest.SchemaVersion != 2)
        {
            throw new OciException(OciErrorKind.UnsupportedMediaType,
                $"{what}: unsupported manifest media type '{mediaType}' (schema {manifest.SchemaVersion}); expected an OCI or Docker schema 2 manifest or index");
        }

        return manifest with { MediaType = mediaType };
    }
}
