using System.Text.Json.Serialization;
using FluxSharp.Api.Schema;
using k8s;
using k8s.Models;

namespace FluxSharp.Api.Notification.V1beta3;

/// <summary>
/// Alert is the Schema for the alerts API. As in Flux's v1beta3 it has no status: it is read when an event is
/// dispatched, and problems with it are told as Warning events on it.
/// </summary>
[CustomResource(NotificationGroup.Name, NotificationGroup.Version, KindName, Plural, Categories = ["all", "fluxcd", "fluxcd-notifications"], StatusSubresource = false)]
[CrdAnnotation(FluxAnnotations.Substitute, FluxNames.DisabledValue)]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp", Order = 0)]
public sealed record Alert : IKubernetesObject<V1ObjectMeta>, ISpec<AlertSpec>
{
    public const string KindName = "Alert";
    public const string Plural = "alerts";

    /// <summary>APIVersion defines the versioned schema of this representation of an object.</summary>
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = NotificationGroup.GroupVersion;

    /// <summary>Kind is a string value representing the REST resource this object represents.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public AlertSpec Spec { get; set; } = new();
}
