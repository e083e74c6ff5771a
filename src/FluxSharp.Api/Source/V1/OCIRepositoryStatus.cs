using System.Text.Json.Serialization;

namespace FluxSharp.Api.Source.V1;

/// <summary>OCIRepositoryStatus defines the observed state of OCIRepository.</summary>
public sealed record OCIRepositoryStatus : IFluxStatus
{
    /// <summary>ObservedGeneration is the last observed generation.</summary>
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; init; }

    /// <summary>Conditions holds the conditions for the OCIRepository.</summary>
    [JsonPropertyName("conditions")]
    public IList<Condition>? Conditions { get; init; }

    /// <summary>URL is the download link for the artifact output of the last OCI Repository sync.</summary>
    [JsonPropertyName("url")]
    public string? Url { get; init; }

    /// <summary>Artifact represents the output of the last successful OCI Repository sync.</summary>
    [JsonPropertyName("artifact")]
    public Artifact? Artifact { get; init; }

    /// <summary>ObservedIgnore is the observed exclusion patterns used for constructing the source artifact.</summary>
    [JsonPropertyName("observedIgnore")]
    public string? ObservedIgnore { get; init; }

    /// <summary>ObservedLayerSelector is the observed layer selector used for constructing the source artifact.</summary>
    [JsonPropertyName("observedLayerSelector")]
    public OCILayerSelector? ObservedLayerSelector { get; init; }

    /// <summary>
    /// LastHandledReconcileAt holds the value of the most recent reconcile request value, so a change of
    /// the annotation value can be detected.
    /// </summary>
    [JsonPropertyName("lastHandledReconcileAt")]
    public string? LastHandledReconcileAt { get; init; }
}
