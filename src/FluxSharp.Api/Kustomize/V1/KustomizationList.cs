using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace FluxSharp.Api.Kustomize.V1;

/// <summary>A list of Kustomization objects, as list calls return it.</summary>
public sealed record KustomizationList : IKubernetesObject<V1ListMeta>, IItems<Kustomization>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = KustomizeGroup.GroupVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = Kustomization.KindName + "List";

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<Kustomization> Items { get; set; } = [];
}
