using System.Text.Json.Serialization;
using FluxSharp.Api.Schema;

namespace FluxSharp.Api;

/// <summary>LocalObjectReference contains enough information to locate the referenced Kubernetes resource object in the same namespace.</summary>
public sealed record LocalObjectReference
{
    /// <summary>Name of the referent.</summary>
    [JsonPropertyName("name")]
    [Required]
    public string Name { get; init; } = "";
}
