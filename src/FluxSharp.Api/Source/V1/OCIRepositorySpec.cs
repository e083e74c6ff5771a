using System.Text.Json.Serialization;
using FluxSharp.Api.Schema;

namespace FluxSharp.Api.Source.V1;

/// <summary>OCIRepositorySpec defines the desired state of OCIRepository.</summary>
public sealed record OCIRepositorySpec
{
    /// <summary>
    /// URL is a reference to an OCI artifact repository hosted on a remote container registry.
    /// </summary>
    [JsonPropertyName("url")]
    [Required]
    [Pattern("^oci://.*$")]
    public string Url { get; init; } = "";

    /// <summary>
    /// The OCI reference to pull and monitor for changes, defaults to the latest tag.
    /// </summary>
    [JsonPropertyName("ref")]
    public OCIRepositoryRef? Reference { get; init; }

    /// <summary>
    /// LayerSelector specifies which layer should be extracted from the OCI artifact.
    /// When not specified, the first layer found in the artifact is selected.
    /// </summary>
    [JsonPropertyName("layerSelector")]
    public OCILayerSelector? LayerSelector { get; init; }

    /// <summary>
    /// The provider used for authentication, can be 'aws', 'azure', 'gcp' or 'generic'.
    /// When not specified, defaults to 'generic'.
    /// </summary>
    [JsonPropertyName("provider")]
    [Default(OCIProviders.Generic)]
    [Enum(OCIProviders.Generic, "aws", "azure", "gcp")]
    public string? Provider { get; init; }

    /// <summary>
    /// Verify contains the secret name containing the trusted public keys used to verify the signature
    /// and specifies which provider to use to check whether OCI image is authentic.
    /// </summary>
    [JsonPropertyName("verify")]
    public OCIRepositoryVerification? Verify { get; init; }

    /// <summary>
    /// SecretRef contains the secret name containing the registry login credentials to resolve image
    /// metadata. The secret must be of type kubernetes.io/dockerconfigjson.
    /// </summary>
    [JsonPropertyName("secretRef")]
    public LocalObjectReference? SecretRef { get; init; }

    /// <summary>
    /// ServiceAccountName is the name of the Kubernetes ServiceAccount used to authenticate the image
    /// pull if the service account has attached pull secrets.
    /// </summary>
    [JsonPropertyName("serviceAccountName")]
    public string? ServiceAccountName { get; init; }

    /// <summary>
    /// CertSecretRef can be given the name of a Secret containing either or both of a PEM-encoded CA
    /// certificate (`ca.crt`) and a PEM-encoded client certificate and private key pair (`tls.crt` and `tls.key`).
    /// </summary>
    [JsonPropertyName("certSecretRef")]
    public LocalObjectReference? CertSecretRef { get; init; }

    /// <summary>
    /// ProxySecretRef specifies the Secret containing the proxy configuration to use while communicating
    /// with the container registry.
    /// </summary>
    [JsonPropertyName("proxySecretRef")]
    public LocalObjectReference? ProxySecretRef { get; init; }

    /// <summary>Interval at which the OCIRepository URL is checked for updates.</summary>
    [JsonPropertyName("interval")]
    [Required]
    [Pattern(FluxPatterns.Duration)]
    public string Interval { get; init; } = "";

    /// <summary>The timeout for remote OCI Repository operations like pulling, defaults to 60s.</summary>
    [JsonPropertyName("timeout")]
    [Default("60s")]
    [Pattern(FluxPatterns.ShortDuration)]
    public string? Timeout { get; init; }

    /// <summary>
    /// Ignore overrides the set of excluded patterns in the .sourceignore format (which is the same as
    /// .gitignore). If not provided, a default will be used.
    /// </summary>
    [JsonPropertyName("ignore")]
    public string? Ignore { get; init; }

    /// <summary>Insecure allows connecting to a non-TLS HTTP container registry.</summary>
    [JsonPropertyName("insecure")]
    public bool? Insecure { get; init; }

    /// <summary>This flag tells the controller to suspend the reconciliation of this source.</summary>
    [JsonPropertyName("suspend")]
    public bool? Suspend { get; init; }
}

/// <summary>OCIRepositoryRef defines the image reference for the OCIRepository's URL.</summary>
public sealed record OCIRepositoryRef
{
    /// <summary>Digest is the image digest to pull, takes precedence over SemVer. The value should be in the format 'sha256:&lt;HASH&gt;'.</summary>
    [JsonPropertyName("digest")]
    public string? Digest { get; init; }

    /// <summary>SemVer is the range of tags to pull selecting the latest within the range, takes precedence over Tag.</summary>
    [JsonPropertyName("semver")]
    public string? SemVer { get; init; }

    /// <summary>SemverFilter is a regex pattern to filter the tags within the SemVer range.</summary>
    [JsonPropertyName("semverFilter")]
    public string? SemverFilter { get; init; }

    /// <summary>Tag is the image tag to pull, defaults to latest.</summary>
    [JsonPropertyName("tag")]
    public string? Tag { get; init; }
}

/// <summary>OCILayerSelector specifies which layer should be extracted from an OCI Artifact.</summary>
public sealed record OCILayerSelector
{
    /// <summary>
    /// MediaType specifies the OCI media type of the layer which should be extracted from the OCI Artifact.
    /// The first layer matching this type is selected.
    /// </summary>
    [JsonPropertyName("mediaType")]
    public string? MediaType { get; init; }

    /// <summary>
    /// Operation specifies how the selected layer should be processed. By default, the layer compressed
    /// content is extracted to storage. When the operation is set to 'copy', the layer compressed content
    /// is persisted to storage as it is.
    /// </summary>
    [JsonPropertyName("operation")]
    [Enum(OCILayerOperations.Extract, OCILayerOperations.Copy)]
    public string? Operation { get; init; }
}

/// <summary>The values of OCIRepository spec.layerSelector.operation.</summary>
public static class OCILayerOperations
{
    public const string Extract = "extract";
    public const string Copy = "copy";
}

/// <summary>The values of OCIRepository spec.provider.</summary>
public static class OCIProviders
{
    public const string Generic = "generic";
}

/// <summary>OCIRepositoryVerification verifies the authenticity of an OCI Artifact.</summary>
public sealed record OCIRepositoryVerification
{
    /// <summary>Provider specifies the technology used to sign the OCI Artifact.</summary>
    [JsonPropertyName("provider")]
    [Required]
    [Default("cosign")]
    [Enum("cosign", "notation")]
    public string Provider { get; init; } = "cosign";

    /// <summary>
    /// SecretRef specifies the Kubernetes Secret containing the trusted public keys.
    /// </summary>
    [JsonPropertyName("secretRef")]
    public LocalObjectReference? SecretRef { get; init; }

    /// <summary>
    /// MatchOIDCIdentity specifies the identity matching criteria to use while verifying an OCI artifact
    /// which was signed using Cosign keyless signing.
    /// </summary>
    [JsonPropertyName("matchOIDCIdentity")]
    public IList<OIDCIdentityMatch>? MatchOIDCIdentity { get; init; }

    /// <summary>
    /// TrustedRootSecretRef specifies the Kubernetes Secret containing a Sigstore trusted_root.json file.
    /// </summary>
    [JsonPropertyName("trustedRootSecretRef")]
    public LocalObjectReference? TrustedRootSecretRef { get; init; }
}

/// <summary>OIDCIdentityMatch specifies options for verifying the certificate identity.</summary>
public sealed record OIDCIdentityMatch
{
    /// <summary>Issuer specifies the regex pattern to match against to verify the OIDC issuer in the Fulcio certificate.</summary>
    [JsonPropertyName("issuer")]
    [Required]
    public string Issuer { get; init; } = "";

    /// <summary>Subject specifies the regex pattern to match against to verify the identity subject in the Fulcio certificate.</summary>
    [JsonPropertyName("subject")]
    [Required]
    public string Subject { get; init; } = "";
}
