namespace FluxSharp.Api;

/// <summary>Condition types Flux's controllers set (fluxcd/pkg apis/meta, source-controller and kustomize-controller api/v1).</summary>
public static class ConditionTypes
{
    /// <summary>The summary condition every Flux object has.</summary>
    public const string Ready = "Ready";

    /// <summary>Abnormal-true: the reconciliation is underway.</summary>
    public const string Reconciling = "Reconciling";

    /// <summary>Abnormal-true: the reconciliation cannot progress without a change.</summary>
    public const string Stalled = "Stalled";

    /// <summary>The last health assessment result (Kustomization, HelmRelease).</summary>
    public const string Healthy = "Healthy";

    /// <summary>Sources: the Artifact is in storage.</summary>
    public const string ArtifactInStorage = "ArtifactInStorage";

    /// <summary>Sources, abnormal-true: the stored Artifact is outdated.</summary>
    public const string ArtifactOutdated = "ArtifactOutdated";

    /// <summary>Sources: result of the integrity (signature) verification, only present when enabled.</summary>
    public const string SourceVerified = "SourceVerified";

    /// <summary>Sources, abnormal-true: fetching from upstream failed.</summary>
    public const string FetchFailed = "FetchFailed";

    /// <summary>Sources, abnormal-true: building the Artifact failed.</summary>
    public const string BuildFailed = "BuildFailed";

    /// <summary>Sources, abnormal-true: a storage (filesystem) operation failed.</summary>
    public const string StorageOperationFailed = "StorageOperationFailed";

    /// <summary>GitRepository, abnormal-true: an included repository's Artifact is not available.</summary>
    public const string IncludeUnavailable = "IncludeUnavailable";
}
