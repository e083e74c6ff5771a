using System.Text.Json.Serialization;
using FluxSharp.Api.Schema;

namespace FluxSharp.Api;

/// <summary>Artifact represents the output of a Source reconciliation.</summary>
public sealed record Artifact
{
    /// <summary>
    /// Path is the relative file path of the Artifact. It can be used to locate
    /// the file in the root of the Artifact storage on the local file system of
    /// the controller managing the Source.
    /// </summary>
    [JsonPropertyName("path")]
    [Required]
    public string Path { get; init; } = "";

    /// <summary>
    /// URL is the HTTP address of the Artifact as exposed by the controller
    /// managing the Source. It can be used to retrieve the Artifact for
    /// consumption, e.g. by another controller applying the Artifact contents.
    /// </summary>
    [JsonPropertyName("url")]
    [Required]
    public string Url { get; init; } = "";

    /// <summary>
    /// Revision is a human-readable identifier traceable in the origin source
    /// system, e.g. <c>main@sha1:&lt;commit&gt;</c> or <c>v1.2.3@sha256:&lt;digest&gt;</c>.
    /// </summary>
    [JsonPropertyName("revision")]
    [Required]
    public string Revision { get; init; } = "";

    /// <summary>Digest is the digest of the file in the form of '&lt;algorithm&gt;:&lt;checksum&gt;'.</summary>
    [JsonPropertyName("digest")]
    [Required]
    [Pattern("^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$")]
    public string Digest { get; init; } = "";

    /// <summary>LastUpdateTime is the timestamp corresponding to the last update of the Artifact.</summary>
    [JsonPropertyName("lastUpdateTime")]
    [Required]
    public DateTime LastUpdateTime { get; init; }

    /// <summary>Size is the number of bytes in the file.</summary>
    [JsonPropertyName("size")]
    public long? Size { get; init; }

    /// <summary>Metadata holds upstream information such as OCI annotations.</summary>
    [JsonPropertyName("metadata")]
    public IDictionary<string, string>? Metadata { get; init; }
}
