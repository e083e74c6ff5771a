namespace FluxSharp.Api;

/// <summary>Labels Flux reads or writes.</summary>
public static class FluxLabels
{
    /// <summary>Set on every object a Kustomization applies: the Kustomization's name.</summary>
    public const string KustomizationName = "kustomize.toolkit.fluxcd.io/name";

    /// <summary>Set on every object a Kustomization applies: the Kustomization's namespace.</summary>
    public const string KustomizationNamespace = "kustomize.toolkit.fluxcd.io/namespace";

    /// <summary>Set to "Enabled" on a Secret or ConfigMap to have changes to it trigger reconciliations of its users.</summary>
    public const string Watch = "reconcile.fluxcd.io/watch";

    /// <summary>The value of <see cref="Watch"/> that enables watching.</summary>
    public const string WatchEnabled = "Enabled";
}
