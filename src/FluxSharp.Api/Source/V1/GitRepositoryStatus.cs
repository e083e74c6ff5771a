using System.Text.Json.Serialization;

namespace FluxSharp.Api.Source.V1;

/// <summary>GitRepositoryStatus records the observed state of a Git repository.</summary>
public sealed record GitRepositoryStatus : IFluxStatus
{
    /// <summary>ObservedGeneration is the last observed generation of the GitRepository object.</summary>
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; init; }

    /// <summary>Conditions holds the conditions for the GitRepository.</summary>
    [JsonPropertyName("conditions")]
    public IList<Condition>? Conditions { get; init; }

    /// <summary>Artifact represents the last successful GitRepository reconciliation.</summary>
    [JsonPropertyName("artifact")]
    public Artifact? Artifact { get; init; }

    /// <summary>
    /// IncludedArtifacts contains a list of the last successfully included Artifacts as instructed by
    /// GitRepositorySpec.Include.
    /// </summary>
    [JsonPropertyName("includedArtifacts")]
    public IList<Artifact>? IncludedArtifacts { get; init; }

    /// <summary>ObservedIgnore is the observed exclusion patterns used for constructing the source artifact.</summary>
    [JsonPropertyName("observedIgnore")]
    public string? ObservedIgnore { get; init; }

    /// <summary>
    /// ObservedRecurseSubmodules is the observed resource submodules configuration used to produce the
    /// current Artifact.
    /// </summary>
    [JsonPropertyName("observedRecurseSubmodules")]
    public bool? ObservedRecurseSubmodules { get; init; }

    /// <summary>ObservedInclude is the observed list of GitRepository resources used to produce the current Artifact.</summary>
    [JsonPropertyName("observedInclude")]
    public IList<GitRepositoryInclude>? ObservedInclude { get; init; }

    /// <summary>ObservedSparseCheckout is the observed list of directories used to produce the current Artifact.</summary>
    [JsonPropertyName("observedSparseCheckout")]
    public IList<string>? ObservedSparseCheckout { get; init; }

    /// <summary>
    /// SourceVerificationMode is the last used verification mode indicating which Git object(s) have been verified.
    /// </summary>
    [JsonPropertyName("sourceVerificationMode")]
    public string? SourceVerificationMode { get; init; }

    /// <summary>
    /// LastHandledReconcileAt holds the value of the most recent reconcile request value, so a change of
    /// the annotation value can be detected.
    /// </summary>
    [JsonPropertyName("lastHandledReconcileAt")]
    public string? LastHandledReconcileAt { get; init; }
}
