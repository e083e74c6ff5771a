namespace FluxSharp.Api;

/// <summary>Other well-known names: finalizers, field managers, annotation values.</summary>
public static class FluxNames
{
    /// <summary>The finalizer every Flux controller puts on the objects it reconciles.</summary>
    public const string Finalizer = "finalizers.fluxcd.io";

    /// <summary>Field manager (and event source) of server-side applies done for Kustomizations.</summary>
    public const string KustomizeController = "kustomize-controller";

    /// <summary>Field manager (and event source) of source objects' status.</summary>
    public const string SourceController = "source-controller";

    /// <summary>Field manager (and event source) of HelmReleases.</summary>
    public const string HelmController = "helm-controller";

    /// <summary>Field manager (and event source) of notifications.</summary>
    public const string NotificationController = "notification-controller";

    public const string EnabledValue = "enabled";
    public const string DisabledValue = "disabled";

    /// <summary>Value of <see cref="FluxAnnotations.ServerSideApply"/>: do not take ownership of fields.</summary>
    public const string MergeValue = "Merge";

    /// <summary>Value of <see cref="FluxAnnotations.ServerSideApply"/>: create the object only when it is absent.</summary>
    public const string IfNotPresentValue = "IfNotPresent";

    /// <summary>Value of <see cref="FluxAnnotations.ServerSideApply"/>: never apply the object.</summary>
    public const string IgnoreValue = "Ignore";
}
