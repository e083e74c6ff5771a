using System.Text.Json.Serialization;
using FluxSharp.Api.Schema;

namespace FluxSharp.Api;

/// <summary>DependencyReference locates an object that must be ready first, with an optional CEL expression to assess its readiness.</summary>
public sealed record DependencyReference
{
    /// <summary>Name of the referent.</summary>
    [JsonPropertyName("name")]
    [Required]
    public string Name { get; init; } = "";

    /// <summary>Namespace of the referent, defaults to the namespace of the object that contains the reference.</summary>
    [JsonPropertyName("namespace")]
    public string? Namespace { get; init; }

    /// <summary>
    /// ReadyExpr is a CEL expression that assesses the readiness of the dependency; when set it replaces
    /// the built-in readiness check (unless the AdditiveCELDependencyCheck feature gate is on).
    /// </summary>
    [JsonPropertyName("readyExpr")]
    public string? ReadyExpr { get; init; }
}
