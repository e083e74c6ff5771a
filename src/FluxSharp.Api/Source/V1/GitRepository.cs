using System.Text.Json.Serialization;
using FluxSharp.Api.Schema;
using k8s;
using k8s.Models;

namespace FluxSharp.Api.Source.V1;

/// <summary>GitRepository is the Schema for the gitrepositories API.</summary>
[CustomResource(SourceGroup.Name, SourceGroup.Version, KindName, "gitrepositories", Singular = "gitrepository", ShortNames = ["gitrepo"], Categories = ["all", "fluxcd", "fluxcd-sources"])]
[CrdAnnotation(FluxAnnotations.Substitute, FluxNames.DisabledValue)]
[PrinterColumn("URL", "string", ".spec.url", Order = 0)]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp", Order = 1)]
[PrinterColumn("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status", Order = 2)]
[PrinterColumn("Status", "string", ".status.conditions[?(@.type==\"Ready\")].message", Order = 3)]
public sealed record GitRepository : IFluxObject<GitRepositoryStatus>, ISpec<GitRepositorySpec>
{
    public const string KindName = "GitRepository";
    public const string ApiVersionValue = SourceGroup.GroupVersion;
    public const string Plural = "gitrepositories";

    /// <summary>APIVersion defines the versioned schema of this representation of an object.</summary>
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = ApiVersionValue;

    /// <summary>Kind is a string value representing the REST resource this object represents.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public GitRepositorySpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    [DefaultJson("""{"observedGeneration":-1}""")]
    public GitRepositoryStatus? Status { get; set; }

    bool IFluxObject.Suspended => Spec.Suspend == true;

    string? IFluxObject.Interval => Spec.Interval;

    /// <summary>Git operations time out after spec.timeout, 60s when unset (the CRD's default).</summary>
    string? IFluxObject.Timeout => Spec.Timeout ?? "60s";

    /// <summary>Sources have no retryInterval: failures back off.</summary>
    string? IFluxObject.RetryInterval => null;
}
