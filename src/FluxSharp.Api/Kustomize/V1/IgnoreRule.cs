using System.Text.Json.Serialization;
using FluxSharp.Api.Schema;

namespace FluxSharp.Api.Kustomize.V1;

/// <summary>IgnoreRule defines a rule to selectively disregard specific changes during the drift detection process.</summary>
public sealed record IgnoreRule
{
    /// <summary>Paths is a list of JSON Pointer (RFC 6901) paths to be excluded from consideration in a Kubernetes object.</summary>
    [JsonPropertyName("paths")]
    [Required]
    public IList<string> Paths { get; init; } = [];

    /// <summary>
    /// Target is a selector for specifying Kubernetes objects to which this rule applies. If Target is not
    /// set, the Paths will be ignored for all Kubernetes objects within the manifest of the Kustomization.
    /// </summary>
    [JsonPropertyName("target")]
    public Selector? Target { get; init; }
}
