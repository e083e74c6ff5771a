using System.Text.Json.Serialization;
using FluxSharp.Api.Schema;

namespace FluxSharp.Api.Kustomize.V1;

/// <summary>SubstituteReference contains a reference to a resource containing the variables name and value.</summary>
public sealed record SubstituteReference
{
    /// <summary>Kind of the values referent, valid values are ('Secret', 'ConfigMap').</summary>
    [JsonPropertyName("kind")]
    [Required]
    [Enum("Secret", "ConfigMap")]
    public string Kind { get; init; } = "";

    /// <summary>Name of the values referent. Should reside in the same namespace as the referring resource.</summary>
    [JsonPropertyName("name")]
    [Required]
    [MinLength(1)]
    [MaxLength(253)]
    public string Name { get; init; } = "";

    /// <summary>
    /// Optional indicates whether the referenced resource must exist, or whether to tolerate its absence.
    /// If true and the referenced resource is absent, proceed as if it was present but empty.
    /// </summary>
    [JsonPropertyName("optional")]
    [Default(false)]
    public bool? Optional { get; init; }
}
