using System.Text.Json.Serialization;
using FluxSharp.Api.Schema;

namespace FluxSharp.Api;

/// <summary>SecretKeyReference contains enough information to locate the referenced Kubernetes Secret object in the same namespace, and optionally a key in it.</summary>
public sealed record SecretKeyReference
{
    /// <summary>Name of the Secret.</summary>
    [JsonPropertyName("name")]
    [Required]
    public string Name { get; init; } = "";

    /// <summary>Key in the Secret, when not specified an implementation-specific default key is used.</summary>
    [JsonPropertyName("key")]
    public string? Key { get; init; }
}
