using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace FluxSharp.Api.Source.V1;

/// <summary>A list of GitRepository objects, as list calls return it.</summary>
public sealed record GitRepositoryList : IKubernetesObject<V1ListMeta>, IItems<GitRepository>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = SourceGroup.GroupVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = GitRepository.KindName + "List";

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<GitRepository> Items { get; set; } = [];
}
