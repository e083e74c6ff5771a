using System.Text.Json.Serialization;
using FluxSharp.Api.Schema;

namespace FluxSharp.Api.Kustomize.V1;

/// <summary>Patch contains an inline StrategicMerge or JSON6902 patch, and the target the patch should be applied to.</summary>
public sealed record Patch
{
    /// <summary>Patch contains an inline StrategicMerge patch or an inline JSON6902 patch with an array of operation objects.</summary>
    [JsonPropertyName("patch")]
    [Required]
    public string Content { get; init; } = "";

    /// <summary>Target points to the resources that the patch document should be applied to.</summary>
    [JsonPropertyName("target")]
    public Selector? Target { get; init; }
}
