using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace FluxSharp.Api.Notification.V1;

/// <summary>A list of Receiver objects, as list calls return it.</summary>
public sealed record ReceiverList : IKubernetesObject<V1ListMeta>, IItems<Receiver>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = Receiver.ApiVersionValue;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = Receiver.KindName + "List";

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<Receiver> Items { get; set; } = [];
}
