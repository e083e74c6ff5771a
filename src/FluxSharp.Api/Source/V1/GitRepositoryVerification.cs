using System.Text.Json.Serialization;
using FluxSharp.Api.Schema;

namespace FluxSharp.Api.Source.V1;

/// <summary>GitRepositoryVerification specifies the Git commit signature verification strategy.</summary>
public sealed record GitRepositoryVerification
{
    /// <summary>
    /// Mode specifies which Git object(s) should be verified. The variants "head" and "HEAD" both verify
    /// the commit that HEAD points to; "head" exists for backwards compatibility.
    /// </summary>
    [JsonPropertyName("mode")]
    [Default(GitVerificationModes.Head)]
    [Enum("head", GitVerificationModes.Head, GitVerificationModes.Tag, GitVerificationModes.TagAndHead)]
    public string? Mode { get; init; }

    /// <summary>
    /// SecretRef specifies the Secret containing the public keys of trusted Git authors. PGP public keys
    /// must be stored under keys with the .asc suffix, and SSH public keys under keys with the .sshpub suffix.
    /// </summary>
    [JsonPropertyName("secretRef")]
    [Required]
    public LocalObjectReference SecretRef { get; init; } = new();
}
