using System.Text.Json.Serialization;
using FluxSharp.Api.Schema;

namespace FluxSharp.Api.Kustomize.V1;

/// <summary>CrossNamespaceSourceReference contains enough information to let you locate the typed Kubernetes resource object at cluster level.</summary>
public sealed record CrossNamespaceSourceReference
{
    /// <summary>API version of the referent.</summary>
    [JsonPropertyName("apiVersion")]
    public string? ApiVersion { get; init; }

    /// <summary>Kind of the referent.</summary>
    [JsonPropertyName("kind")]
    [Required]
    [Enum("OCIRepository", "GitRepository", "Bucket", "ExternalArtifact")]
    public string Kind { get; init; } = "";

    /// <summary>Name of the referent.</summary>
    [JsonPropertyName("name")]
    [Required]
    public string Name { get; init; } = "";

    /// <summary>Namespace of the referent, defaults to the namespace of the Kubernetes resource object that contains the reference.</summary>
    [JsonPropertyName("namespace")]
    public string? Namespace { get; init; }
}
