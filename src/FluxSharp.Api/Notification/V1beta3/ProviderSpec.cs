using System.Text.Json.Serialization;
using FluxSharp.Api.Schema;

namespace FluxSharp.Api.Notification.V1beta3;

/// <summary>ProviderSpec defines the desired state of the Provider.</summary>
[Validation(
    "self.type == 'github' || self.type == 'gitlab' || self.type == 'gitea' || self.type == 'bitbucketserver' || self.type == 'bitbucket' || self.type == 'azuredevops' || !has(self.commitStatusExpr)",
    "spec.commitStatusExpr is only supported for the 'github', 'gitlab', 'gitea', 'bitbucketserver', 'bitbucket', 'azuredevops' provider types")]
public sealed record ProviderSpec
{
    /// <summary>Type specifies which Provider implementation to use.</summary>
    [JsonPropertyName("type")]
    [Required]
    [Enum(
        "slack", "discord", "msteams", "rocket", "generic", "generic-hmac", "github", "gitlab", "gitea", "giteapullrequestcomment",
        "bitbucketserver", "bitbucket", "azuredevops", "googlechat", "googlepubsub", "webex", "sentry", "azureeventhub", "telegram",
        "lark", "matrix", "opsgenie", "alertmanager", "grafana", "githubdispatch", "githubpullrequestcomment",
        "gitlabmergerequestcomment", "pagerduty", "datadog", "nats", "zulip", "otel", "zoom", "incident.io")]
    public string Type { get; init; } = "";

    /// <summary>Interval at which to reconcile the Provider with its Secret references. Deprecated and not used in v1beta3.</summary>
    [JsonPropertyName("interval")]
    [Pattern(FluxPatterns.Duration)]
    public string? Interval { get; init; }

    /// <summary>Channel specifies the destination channel where events should be posted.</summary>
    [JsonPropertyName("channel")]
    [MaxLength(2048)]
    public string? Channel { get; init; }

    /// <summary>Username specifies the name under which events are posted.</summary>
    [JsonPropertyName("username")]
    [MaxLength(2048)]
    public string? Username { get; init; }

    /// <summary>
    /// Address specifies the endpoint, in a generic sense, to where alerts are sent. What kind of endpoint depends on
    /// the specific Provider type being used. For the generic Provider, for example, this is an HTTP/S address. For
    /// other Provider types this could be a project ID or a namespace.
    /// </summary>
    [JsonPropertyName("address")]
    [MaxLength(2048)]
    public string? Address { get; init; }

    /// <summary>Timeout for sending alerts to the Provider.</summary>
    [JsonPropertyName("timeout")]
    [Pattern(FluxPatterns.ShortDuration)]
    public string? Timeout { get; init; }

    /// <summary>Proxy the HTTP/S address of the proxy server. Deprecated: Use ProxySecretRef instead. Will be removed in v1.</summary>
    [JsonPropertyName("proxy")]
    [Pattern("^(http|https)://.*$")]
    [MaxLength(2048)]
    public string? Proxy { get; init; }

    /// <summary>
    /// ProxySecretRef specifies the Secret containing the proxy configuration for this Provider. The Secret should
    /// contain an 'address' key with the HTTP/S address of the proxy server. Optional 'username' and 'password' keys
    /// can be provided for proxy authentication.
    /// </summary>
    [JsonPropertyName("proxySecretRef")]
    public LocalObjectReference? ProxySecretRef { get; init; }

    /// <summary>SecretRef specifies the Secret containing the authentication credentials for this Provider.</summary>
    [JsonPropertyName("secretRef")]
    public LocalObjectReference? SecretRef { get; init; }

    /// <summary>
    /// ServiceAccountName is the name of the Kubernetes ServiceAccount used to authenticate with cloud provider
    /// services through workload identity (azureeventhub, azuredevops, googlepubsub).
    /// </summary>
    [JsonPropertyName("serviceAccountName")]
    public string? ServiceAccountName { get; init; }

    /// <summary>
    /// CertSecretRef specifies the Secret containing TLS certificates for secure communication: ca.crt only
    /// (server authentication), ca.crt + tls.crt + tls.key (mTLS), or tls.crt + tls.key (client authentication
    /// with the system CAs).
    /// </summary>
    [JsonPropertyName("certSecretRef")]
    public LocalObjectReference? CertSecretRef { get; init; }

    /// <summary>Suspend tells the controller to suspend subsequent events handling for this Provider.</summary>
    [JsonPropertyName("suspend")]
    public bool? Suspend { get; init; }

    /// <summary>
    /// CommitStatusExpr is a CEL expression that evaluates to a string value that can be used to generate a custom
    /// commit status message for use with eligible Provider types (github, gitlab, gitea, bitbucketserver,
    /// bitbucket, azuredevops). Supported variables are: event, provider, and alert.
    /// </summary>
    [JsonPropertyName("commitStatusExpr")]
    public string? CommitStatusExpr { get; init; }
}
