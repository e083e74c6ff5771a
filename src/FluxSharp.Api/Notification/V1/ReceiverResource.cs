using System.Text.Json.Serialization;
using FluxSharp.Api.Schema;

namespace FluxSharp.Api.Notification.V1;

/// <summary>ReceiverResource references a Flux object to reconcile when a webhook is received, with an optional filter.</summary>
public sealed record ReceiverResource
{
    /// <summary>API version of the referent.</summary>
    [JsonPropertyName("apiVersion")]
    public string? ApiVersion { get; init; }

    /// <summary>Kind of the referent.</summary>
    [JsonPropertyName("kind")]
    [Required]
    [Enum("Bucket", "GitRepository", "Kustomization", "HelmRelease", "HelmChart", "HelmRepository", "ImageRepository", "ImagePolicy", "ImageUpdateAutomation", "OCIRepository", "ArtifactGenerator", "ExternalArtifact")]
    public string Kind { get; init; } = "";

    /// <summary>Name of the referent. If multiple resources are targeted `*` may be set.</summary>
    [JsonPropertyName("name")]
    [Required]
    [MinLength(1)]
    [MaxLength(253)]
    public string Name { get; init; } = "";

    /// <summary>Namespace of the referent.</summary>
    [JsonPropertyName("namespace")]
    [MinLength(1)]
    [MaxLength(253)]
    public string? Namespace { get; init; }

    /// <summary>
    /// MatchLabels is a map of {key,value} pairs. A single {key,value} in the matchLabels map is equivalent to an
    /// element of matchExpressions, whose key field is "key", the operator is "In", and the values array contains
    /// only "value". The requirements are ANDed. MatchLabels requires the name to be set to `*`.
    /// </summary>
    [JsonPropertyName("matchLabels")]
    public IDictionary<string, string>? MatchLabels { get; init; }

    /// <summary>
    /// Filter is a CEL expression expected to return a boolean that is evaluated for each resource matched by
    /// this reference, after spec.resourceFilter.
    /// </summary>
    [JsonPropertyName("filter")]
    public string? Filter { get; init; }
}
