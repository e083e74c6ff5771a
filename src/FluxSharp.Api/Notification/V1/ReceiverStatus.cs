using System.Text.Json.Serialization;

namespace FluxSharp.Api.Notification.V1;

/// <summary>ReceiverStatus defines the observed state of the Receiver.</summary>
public sealed record ReceiverStatus : IFluxStatus
{
    /// <summary>LastHandledReconcileAt holds the value of the most recent reconcile request value, so a change of the annotation value can be detected.</summary>
    [JsonPropertyName("lastHandledReconcileAt")]
    public string? LastHandledReconcileAt { get; init; }

    /// <summary>Conditions holds the conditions for the Receiver.</summary>
    [JsonPropertyName("conditions")]
    public IList<Condition>? Conditions { get; init; }

    /// <summary>WebhookPath is the generated incoming webhook address in the format of '/hook/sha256sum(token+name+namespace)'.</summary>
    [JsonPropertyName("webhookPath")]
    public string? WebhookPath { get; init; }

    /// <summary>ObservedGeneration is the last observed generation of the Receiver object.</summary>
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; init; }
}
