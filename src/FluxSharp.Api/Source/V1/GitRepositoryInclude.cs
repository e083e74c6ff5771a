using System.Text.Json.Serialization;
using FluxSharp.Api.Schema;

namespace FluxSharp.Api.Source.V1;

/// <summary>
/// GitRepositoryInclude specifies a local reference to a GitRepository which Artifact (sub-)contents must be
/// included, and where they should be placed.
/// </summary>
public sealed record GitRepositoryInclude
{
    /// <summary>GitRepositoryRef specifies the GitRepository which Artifact contents must be included.</summary>
    [JsonPropertyName("repository")]
    [Required]
    public LocalObjectReference Repository { get; init; } = new();

    /// <summary>FromPath specifies the path to copy contents from, defaults to the root of the Artifact.</summary>
    [JsonPropertyName("fromPath")]
    public string? FromPath { get; init; }

    /// <summary>ToPath specifies the path to copy contents to, defaults to the name of the GitRepositoryRef.</summary>
    [JsonPropertyName("toPath")]
    public string? ToPath { get; init; }
}
