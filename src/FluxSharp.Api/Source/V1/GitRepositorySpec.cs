using System.Text.Json.Serialization;
using FluxSharp.Api.Schema;

namespace FluxSharp.Api.Source.V1;

/// <summary>GitRepositorySpec specifies the required configuration to produce an Artifact for a Git repository.</summary>
[Validation("!has(self.serviceAccountName) || (has(self.provider) && (self.provider == 'azure' || self.provider == 'aws'))", "serviceAccountName can only be set when provider is 'azure' or 'aws'")]
public sealed record GitRepositorySpec
{
    /// <summary>URL specifies the Git repository URL, it can be an HTTP/S or SSH address (FluxSharp also accepts file:// for local repositories).</summary>
    [JsonPropertyName("url")]
    [Required]
    [Pattern("^(http|https|ssh|file)://.*$")]
    public string Url { get; init; } = "";

    /// <summary>
    /// SecretRef specifies the Secret containing authentication credentials for the GitRepository.
    /// For HTTPS repositories the Secret must contain 'username' and 'password' fields for basic auth
    /// or 'bearerToken' field for token auth. For SSH repositories the Secret must contain 'identity'
    /// and 'known_hosts' fields.
    /// </summary>
    [JsonPropertyName("secretRef")]
    public LocalObjectReference? SecretRef { get; init; }

    /// <summary>
    /// Provider used for authentication, can be 'aws', 'azure', 'github', 'generic'.
    /// When not specified, defaults to 'generic'.
    /// </summary>
    [JsonPropertyName("provider")]
    [Enum(GitProviders.Generic, GitProviders.Aws, GitProviders.Azure, GitProviders.GitHub)]
    public string? Provider { get; init; }

    /// <summary>
    /// ServiceAccountName is the name of the Kubernetes ServiceAccount used to authenticate to the
    /// GitRepository. This field is only supported for 'azure' and 'aws' providers.
    /// </summary>
    [JsonPropertyName("serviceAccountName")]
    public string? ServiceAccountName { get; init; }

    /// <summary>
    /// Interval at which the GitRepository URL is checked for updates.
    /// This interval is approximate and may be subject to jitter to ensure efficient use of resources.
    /// </summary>
    [JsonPropertyName("interval")]
    [Required]
    [Pattern(FluxPatterns.Duration)]
    public string Interval { get; init; } = "";

    /// <summary>Timeout for Git operations like cloning, defaults to 60s.</summary>
    [JsonPropertyName("timeout")]
    [Default("60s")]
    [Pattern(FluxPatterns.ShortDuration)]
    public string? Timeout { get; init; }

    /// <summary>
    /// Reference specifies the Git reference to resolve and monitor for changes, defaults to the 'master' branch.
    /// </summary>
    [JsonPropertyName("ref")]
    public GitRepositoryRef? Reference { get; init; }

    /// <summary>Verification specifies the configuration to verify the Git commit signature(s).</summary>
    [JsonPropertyName("verify")]
    public GitRepositoryVerification? Verification { get; init; }

    /// <summary>
    /// ProxySecretRef specifies the Secret containing the proxy configuration to use while communicating
    /// with the Git server.
    /// </summary>
    [JsonPropertyName("proxySecretRef")]
    public LocalObjectReference? ProxySecretRef { get; init; }

    /// <summary>
    /// Ignore overrides the set of excluded patterns in the .sourceignore format (which is the same as
    /// .gitignore). If not provided, a default will be used.
    /// </summary>
    [JsonPropertyName("ignore")]
    public string? Ignore { get; init; }

    /// <summary>Suspend tells the controller to suspend the reconciliation of this GitRepository.</summary>
    [JsonPropertyName("suspend")]
    public bool? Suspend { get; init; }

    /// <summary>
    /// RecurseSubmodules enables the initialization of all submodules within the GitRepository as cloned
    /// from the URL, using their default settings.
    /// </summary>
    [JsonPropertyName("recurseSubmodules")]
    public bool? RecurseSubmodules { get; init; }

    /// <summary>
    /// Include specifies a list of GitRepository resources which Artifacts should be included in the
    /// Artifact produced for this GitRepository.
    /// </summary>
    [JsonPropertyName("include")]
    public IList<GitRepositoryInclude>? Include { get; init; }

    /// <summary>
    /// SparseCheckout specifies a list of directories to checkout when cloning the repository. If specified,
    /// only these directories are included in the Artifact produced for this GitRepository.
    /// </summary>
    [JsonPropertyName("sparseCheckout")]
    public IList<string>? SparseCheckout { get; init; }
}
