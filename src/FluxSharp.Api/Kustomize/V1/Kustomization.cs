using System.Text.Json.Serialization;
using FluxSharp.Api.Schema;
using k8s;
using k8s.Models;

namespace FluxSharp.Api.Kustomize.V1;

/// <summary>Kustomization is the Schema for the kustomizations API.</summary>
[CustomResource(KustomizeGroup.Name, KustomizeGroup.Version, KindName, "kustomizations", Singular = "kustomization", ShortNames = ["ks"], Categories = ["all", "fluxcd", "fluxcd-appliers"])]
[CrdAnnotation(FluxAnnotations.Substitute, FluxNames.DisabledValue)]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp", Order = 0)]
[PrinterColumn("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status", Order = 1)]
[PrinterColumn("Status", "string", ".status.conditions[?(@.type==\"Ready\")].message", Order = 2)]
public sealed record Kustomization : IFluxObject<KustomizationStatus>, ISpec<KustomizationSpec>
{
    public const string KindName = "Kustomization";
    public const string ApiVersionValue = KustomizeGroup.GroupVersion;
    public const string Plural = "kustomizations";

    /// <summary>APIVersion defines the versioned schema of this representation of an object.</summary>
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = ApiVersionValue;

    /// <summary>Kind is a string value representing the REST resource this object represents.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public KustomizationSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    [DefaultJson("""{"observedGeneration":-1}""")]
    public KustomizationStatus? Status { get; set; }

    bool IFluxObject.Suspended => Spec.Suspend == true;

    string? IFluxObject.Interval => Spec.Interval;

    /// <summary>Validation, apply and health checks time out after spec.timeout, the interval when unset.</summary>
    string? IFluxObject.Timeout => Spec.Timeout ?? Spec.Interval;

    /// <summary>Failures are retried after spec.retryInterval, the interval when unset.</summary>
    string? IFluxObject.RetryInterval => Spec.RetryInterval ?? Spec.Interval;
}
