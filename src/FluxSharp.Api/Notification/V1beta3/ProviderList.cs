using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace FluxSharp.Api.Notification.V1beta3;

/// <summary>A list of Provider objects, as list calls return it.</summary>
public sealed record ProviderList : IKubernetesObject<V1ListMeta>, IItems<Provider>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = NotificationGroup.GroupVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = Provider.KindName + "List";

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<Provider> Items { get; set; } = [];
}
