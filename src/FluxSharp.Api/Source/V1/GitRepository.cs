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
public sealed record GitRepository : IKubernetesObject<V1ObjectMeta>, ISpec<GitRepositorySpec>, IStatus<GitRepositoryStatus?>
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
}
