using System.Text.Json.Serialization;

namespace FluxSharp.Api.Kustomize.V1;

/// <summary>KustomizationStatus defines the observed state of a kustomization.</summary>
public sealed record KustomizationStatus : IFluxStatus
{
    /// <summary>ObservedGeneration is the last reconciled generation.</summary>
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; init; }

    [JsonPropertyName("conditions")]
    public IList<Condition>? Conditions { get; init; }

    /// <summary>The last successfully applied revision. Equals the Revision of the applied Artifact from the referenced Source.</summary>
    [JsonPropertyName("lastAppliedRevision")]
    public string? LastAppliedRevision { get; init; }

    /// <summary>
    /// The last successfully applied origin revision: the origin revision of the applied Artifact, usually
    /// from its metadata (e.g. "org.opencontainers.image.revision" for OCI).
    /// </summary>
    [JsonPropertyName("lastAppliedOriginRevision")]
    public string? LastAppliedOriginRevision { get; init; }

    /// <summary>LastAttemptedRevision is the revision of the last reconciliation attempt.</summary>
    [JsonPropertyName("lastAttemptedRevision")]
    public string? LastAttemptedRevision { get; init; }

    /// <summary>
    /// LastHandledReconcileAt holds the value of the most recent reconcile request value, so a change of
    /// the annotation value can be detected.
    /// </summary>
    [JsonPropertyName("lastHandledReconcileAt")]
    public string? LastHandledReconcileAt { get; init; }

    /// <summary>Inventory contains the list of Kubernetes resource object references that have been successfully applied.</summary>
    [JsonPropertyName("inventory")]
    public ResourceInventory? Inventory { get; init; }

    /// <summary>
    /// History contains a set of snapshots of the last reconciliation attempts tracking the revision,
    /// the state and the duration of each attempt.
    /// </summary>
    [JsonPropertyName("history")]
    public IList<Snapshot>? History { get; init; }
}
