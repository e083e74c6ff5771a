using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using FluxSharp.Api.Schema;
using k8s;
using k8s.Models;

namespace FluxSharp.Api.Notification.V1;

/// <summary>Receiver is the Schema for the receivers API.</summary>
[CustomResource(GroupName, Version, KindName, Plural, Singular = "receiver", Categories = ["all", "fluxcd", "fluxcd-notifications"])]
[CrdAnnotation(FluxAnnotations.Substitute, FluxNames.DisabledValue)]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp", Order = 0)]
[PrinterColumn("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status", Order = 1)]
[PrinterColumn("Status", "string", ".status.conditions[?(@.type==\"Ready\")].message", Order = 2)]
public sealed record Receiver : IFluxObject<ReceiverStatus>, ISpec<ReceiverSpec>
{
    public const string GroupName = "notification.toolkit.fluxcd.io";
    public const string Version = "v1";
    public const string ApiVersionValue = GroupName + "/" + Version;
    public const string KindName = "Receiver";
    public const string Plural = "receivers";

    /// <summary>Every webhook path starts with it (Flux's ReceiverWebhookPath).</summary>
    public const string WebhookPathPrefix = "/hook/";

    /// <summary>APIVersion defines the versioned schema of this representation of an object.</summary>
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = ApiVersionValue;

    /// <summary>Kind is a string value representing the REST resource this object represents.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public ReceiverSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    [DefaultJson("""{"observedGeneration":-1}""")]
    public ReceiverStatus? Status { get; set; }

    bool IFluxObject.Suspended => Spec.Suspend == true;

    /// <summary>10m when unset, as Flux's GetInterval.</summary>
    string? IFluxObject.Interval => Spec.Interval ?? "10m";

    string? IFluxObject.Timeout => null;

    /// <summary>Receivers have no retryInterval: failures back off.</summary>
    string? IFluxObject.RetryInterval => null;

    /// <summary>
    /// The webhook path of a Receiver with this token, name and namespace, exactly as Flux computes it:
    /// <c>/hook/</c> and the hex SHA-256 of token + name + namespace (an empty token for generic-oidc).
    /// </summary>
    public static string WebhookPath(string token, string name, string @namespace)
    {
        ArgumentNullException.ThrowIfNull(token);
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(token + name + @namespace));
        return WebhookPathPrefix + Convert.ToHexStringLower(digest);
    }
}
