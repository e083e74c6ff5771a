using System.Text.Json.Serialization;
using FluxSharp.Api.Schema;

namespace FluxSharp.Api.Kustomize.V1;

/// <summary>Image contains an image name, a new name, a new tag or digest, which will replace the original name and tag.</summary>
public sealed record Image
{
    /// <summary>Name is a tag-less image name.</summary>
    [JsonPropertyName("name")]
    [Required]
    public string Name { get; init; } = "";

    /// <summary>NewName is the value used to replace the original name.</summary>
    [JsonPropertyName("newName")]
    public string? NewName { get; init; }

    /// <summary>NewTag is the value used to replace the original tag.</summary>
    [JsonPropertyName("newTag")]
    public string? NewTag { get; init; }

    /// <summary>Digest is the value used to replace the original image tag. If digest is present NewTag value is ignored.</summary>
    [JsonPropertyName("digest")]
    public string? Digest { get; init; }
}
