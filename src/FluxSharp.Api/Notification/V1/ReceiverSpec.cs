using System.Text.Json.Serialization;
using FluxSharp.Api.Schema;

namespace FluxSharp.Api.Notification.V1;

/// <summary>ReceiverSpec defines the desired state of the Receiver.</summary>
[Validation("self.type != 'generic-oidc' || (has(self.oidcProviders) && size(self.oidcProviders) > 0)", "generic-oidc receivers must define at least one oidcProvider")]
[Validation("self.type == 'generic-oidc' || !has(self.oidcProviders) || size(self.oidcProviders) == 0", "oidcProviders can only be set when type is generic-oidc")]
[Validation("self.type != 'generic-oidc' || !has(self.secretRef)", "secretRef cannot be set when type is generic-oidc")]
[Validation("self.type == 'generic-oidc' || has(self.secretRef)", "secretRef is required when type is not generic-oidc")]
public sealed record ReceiverSpec
{
    /// <summary>Type of webhook sender, used to determine the validation procedure and payload deserialization.</summary>
    [JsonPropertyName("type")]
    [Required]
    [Enum(ReceiverTypes.Generic, ReceiverTypes.GenericHmac, ReceiverTypes.GenericOidc, ReceiverTypes.GitHub, ReceiverTypes.GitLab, ReceiverTypes.Bitbucket, ReceiverTypes.Harbor, ReceiverTypes.DockerHub, ReceiverTypes.Quay, ReceiverTypes.Gcr, ReceiverTypes.Nexus, ReceiverTypes.Acr, ReceiverTypes.CdEvents)]
    public string Type { get; init; } = "";

    /// <summary>Interval at which to reconcile the Receiver with its Secret references.</summary>
    [JsonPropertyName("interval")]
    [Default("10m")]
    [Pattern(FluxPatterns.Duration)]
    public string? Interval { get; init; }

    /// <summary>
    /// Events specifies the list of event types to handle, e.g. 'push' for GitHub or 'Push Hook' for GitLab.
    /// </summary>
    [JsonPropertyName("events")]
    public IList<string>? Events { get; init; }

    /// <summary>A list of resources to be notified about changes.</summary>
    [JsonPropertyName("resources")]
    [Required]
    public IList<ReceiverResource> Resources { get; init; } = [];

    /// <summary>
    /// ResourceFilter is a CEL expression expected to return a boolean that is evaluated for each resource
    /// referenced in the Resources field when a webhook is received. If the expression returns false then the
    /// controller will not request a reconciliation for the resource.
    /// </summary>
    [JsonPropertyName("resourceFilter")]
    public string? ResourceFilter { get; init; }

    /// <summary>
    /// SecretRef specifies the Secret containing the token used to validate the payload authenticity.
    /// Required for all receiver types except generic-oidc.
    /// </summary>
    [JsonPropertyName("secretRef")]
    public LocalObjectReference? SecretRef { get; init; }

    /// <summary>OIDCProviders lists the OIDC issuers trusted by a generic-oidc receiver.</summary>
    [JsonPropertyName("oidcProviders")]
    [ListType("map", MapKeys = ["issuerURL"])]
    public IList<ReceiverOidcProvider>? OidcProviders { get; init; }

    /// <summary>This flag tells the controller to suspend subsequent events handling for this receiver.</summary>
    [JsonPropertyName("suspend")]
    public bool? Suspend { get; init; }
}
