namespace FluxSharp.Api;

/// <summary>Annotations Flux reads or writes.</summary>
public static class FluxAnnotations
{
    /// <summary>Any change of its value asks for a reconciliation now (<c>flux reconcile</c> sets it to a timestamp).</summary>
    public const string ReconcileRequestedAt = "reconcile.fluxcd.io/requestedAt";

    /// <summary>Asks for a forced one-off reconciliation (HelmRelease); must equal requestedAt to take effect.</summary>
    public const string ForceRequestedAt = "reconcile.fluxcd.io/forceAt";

    /// <summary>On applied objects: "Merge" (do not take over fields), "IfNotPresent" (create only) or "Ignore" (skip).</summary>
    public const string ServerSideApply = "kustomize.toolkit.fluxcd.io/ssa";

    /// <summary>On applied objects: "disabled" keeps the object when it is removed from the source.</summary>
    public const string Prune = "kustomize.toolkit.fluxcd.io/prune";

    /// <summary>On applied objects: "enabled" recreates the object when an immutable field changes.</summary>
    public const string Force = "kustomize.toolkit.fluxcd.io/force";

    /// <summary>On applied objects: "disabled" stops Flux from applying changes to the object.</summary>
    public const string Reconcile = "kustomize.toolkit.fluxcd.io/reconcile";

    /// <summary>On applied objects: "disabled" skips post-build variable substitution.</summary>
    public const string Substitute = "kustomize.toolkit.fluxcd.io/substitute";

    /// <summary>On Secrets: "disabled" skips SOPS decryption.</summary>
    public const string Decrypt = "kustomize.toolkit.fluxcd.io/decrypt";

    /// <summary>Event metadata of source-controller's events: the artifact revision they speak of.</summary>
    public const string SourceRevision = "source.toolkit.fluxcd.io/revision";

    /// <summary>Event metadata of source-controller's events: the artifact's digest.</summary>
    public const string SourceDigest = "source.toolkit.fluxcd.io/digest";
}
