using System.Text.Json.Serialization;
using FluxSharp.Api.Schema;
using k8s;
using k8s.Models;

namespace FluxSharp.Api.Source.V1;

/// <summary>OCIRepository is the Schema for the ocirepositories API.</summary>
[CustomResource(SourceGroup.Name, SourceGroup.Version, KindName, Plural, Singular = "ocirepository", ShortNames = ["ocirepo"], Categories = ["all", "fluxcd", "fluxcd-sources"])]
[CrdAnnotation(FluxAnnotations.Substitute, FluxNames.DisabledValue)]
[PrinterColumn("URL", "string", ".spec.url", Order = 0)]
[PrinterColumn("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status", Order = 1)]
[PrinterColumn("Status", "string", ".status.conditions[?(@.type==\"Ready\")].message", Order = 2)]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp", Order = 3)]
public sealed record OCIRepository : IFluxObject<OCIRepositoryStatus>, ISpec<OCIRepositorySpec>
{
    public const string KindName = "OCIRepository";
    public const string ApiVersionValue = SourceGroup.GroupVersion;
    public const string Plural = "ocirepositories";

    /// <summary>APIVersion defines the versioned schema of this representation of an object.</summary>
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = ApiVersionValue;

    /// <summary>Kind is a string value representing the REST resource this object represents.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public OCIRepositorySpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    [DefaultJson("""{"observedGeneration":-1}""")]
    public OCIRepositoryStatus? Status { get; set; }

    bool IFluxObject.Suspended => Spec.Suspend == true;

    string? IFluxObject.Interval => Spec.Interval;

    /// <summary>Registry operations time out after spec.timeout, 60s when unset (the CRD's default).</summary>
    string? IFluxObject.Timeout => Spec.Timeout ?? "60s";

    /// <summary>Sources have no retryInterval: failures back off.</summary>
    string? IFluxObject.RetryInterval => null;
}

/// <summary>A list of OCIRepository objects, as list calls return it.</summary>
public sealed record OCIRepositoryList : IKubernetesObject<V1ListMeta>, IItems<OCIRepository>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = SourceGroup.GroupVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = OCIRepository.KindName + "List";

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<OCIRepository> Items { get; set; } = [];
}
