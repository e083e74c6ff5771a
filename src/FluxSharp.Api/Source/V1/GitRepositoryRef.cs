using System.Text.Json.Serialization;

namespace FluxSharp.Api.Source.V1;

/// <summary>GitRepositoryRef specifies the Git reference to resolve and checkout.</summary>
public sealed record GitRepositoryRef
{
    /// <summary>Branch to check out, defaults to 'master' if no other field is defined.</summary>
    [JsonPropertyName("branch")]
    public string? Branch { get; init; }

    /// <summary>Tag to check out, takes precedence over Branch.</summary>
    [JsonPropertyName("tag")]
    public string? Tag { get; init; }

    /// <summary>SemVer tag expression to check out, takes precedence over Tag.</summary>
    [JsonPropertyName("semver")]
    public string? SemVer { get; init; }

    /// <summary>
    /// Name of the reference to check out; takes precedence over Branch, Tag and SemVer.
    /// It must be a valid Git reference, e.g. "refs/heads/main", "refs/tags/v0.1.0", "refs/pull/420/head".
    /// </summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>
    /// Commit SHA to check out, takes precedence over all reference fields.
    /// This can be combined with Branch to shallow clone the branch, in which the commit is expected to exist.
    /// </summary>
    [JsonPropertyName("commit")]
    public string? Commit { get; init; }
}
