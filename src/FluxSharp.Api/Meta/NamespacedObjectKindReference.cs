using System.Text.Json.Serialization;
using FluxSharp.Api.Schema;

namespace FluxSharp.Api;

/// <summary>NamespacedObjectKindReference contains enough information to locate the typed referenced Kubernetes resource object in any namespace.</summary>
public sealed record NamespacedObjectKindReference
{
    /// <summary>API version of the referent, if not specified the Kubernetes preferred version will be used.</summary>
    [JsonPropertyName("apiVersion")]
    public string? ApiVersion { get; init; }

    /// <summary>Kind of the referent.</summary>
    [JsonPropertyName("kind")]
    [Required]
    public string Kind { get; init; } = "";

    /// <summary>Name of the referent.</summary>
    [JsonPropertyName("name")]
    [Required]
    public string Name { get; init; } = "";

    /// <summary>Namespace of the referent, when not specified it acts as LocalObjectReference.</summary>
    [JsonPropertyName("namespace")]
    public string? Namespace { get; init; }
}
