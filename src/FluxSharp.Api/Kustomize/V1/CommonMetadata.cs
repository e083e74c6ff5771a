using System.Text.Json.Serialization;

namespace FluxSharp.Api.Kustomize.V1;

/// <summary>CommonMetadata defines the common labels and annotations.</summary>
public sealed record CommonMetadata
{
    /// <summary>Annotations to be added to the object's metadata.</summary>
    [JsonPropertyName("annotations")]
    public IDictionary<string, string>? Annotations { get; init; }

    /// <summary>Labels to be added to the object's metadata.</summary>
    [JsonPropertyName("labels")]
    public IDictionary<string, string>? Labels { get; init; }
}
