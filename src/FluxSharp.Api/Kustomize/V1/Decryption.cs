using System.Text.Json.Serialization;
using FluxSharp.Api.Schema;

namespace FluxSharp.Api.Kustomize.V1;

/// <summary>Decryption defines how decryption is handled for Kubernetes manifests.</summary>
public sealed record Decryption
{
    /// <summary>Provider is the name of the decryption engine.</summary>
    [JsonPropertyName("provider")]
    [Required]
    [Enum("sops")]
    public string Provider { get; init; } = "sops";

    /// <summary>
    /// The secret name containing the private OpenPGP keys used for decryption. A static credential for a
    /// cloud provider defined inside the Secret takes priority to secret-less authentication with the
    /// ServiceAccountName field.
    /// </summary>
    [JsonPropertyName("secretRef")]
    public LocalObjectReference? SecretRef { get; init; }

    /// <summary>
    /// ServiceAccountName is the name of the service account used to authenticate with KMS services from
    /// cloud providers.
    /// </summary>
    [JsonPropertyName("serviceAccountName")]
    public string? ServiceAccountName { get; init; }
}
