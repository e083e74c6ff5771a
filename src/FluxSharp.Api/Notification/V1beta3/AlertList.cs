using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace FluxSharp.Api.Notification.V1beta3;

/// <summary>A list of Alert objects, as list calls return it.</summary>
public sealed record AlertList : IKubernetesObject<V1ListMeta>, IItems<Alert>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = NotificationGroup.GroupVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = Alert.KindName + "List";

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<Alert> Items { get; set; } = [];
}
