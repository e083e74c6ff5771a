using FluxSharp.Api;
using FluxSharp.Kubernetes.Apply;

namespace FluxSharp.Controllers.Kustomize;

/// <summary>kustomize-controller's apply and prune options: its field manager and the kustomize.toolkit.fluxcd.io annotations it honours.</summary>
public static class KustomizeApplyOptions
{
    /// <summary>Apply as kustomize-controller; <paramref name="force"/> is spec.force.</summary>
    public static ApplyOptions Apply(bool force) => new()
    {
        FieldManager = FluxNames.KustomizeController,
        Force = force,
        ExclusionSelector = new Dictionary<string, string>
        {
            [FluxAnnotations.Reconcile] = FluxNames.DisabledValue,
            [FluxAnnotations.ServerSideApply] = FluxNames.IgnoreValue,
        },
        IfNotPresentSelector = new Dictionary<string, string> { [FluxAnnotations.ServerSideApply] = FluxNames.IfNotPresentValue },
        ForceSelector = new Dictionary<string, string> { [FluxAnnotations.Force] = FluxNames.EnabledValue },
        ForceHint = $"set spec.force to true or annotate it with {FluxAnnotations.Force}: enabled",
        CleanupFieldManagers =
        [
            new("kubectl", "Apply"),
            new("kubectl", "Update"),
            new("before-first-apply", "Update"),
            new(FluxNames.KustomizeController, "Update"),
        ],
        CleanupExclusions = new Dictionary<string, string> { [FluxAnnotations.ServerSideApply] = FluxNames.MergeValue },
    };

    /// <summary>Prune (and deletionPolicy) of what the Kustomization <paramref name="name"/> in <paramref name="ns"/> applied: only objects with its owner labels, keeping those marked prune or reconcile disabled.</summary>
    public static DeleteOptions Prune(string name, string ns) => new()
    {
        Inclusions = OwnerLabels.Of(name, ns),
        Exclusions = new Dictionary<string, string>
        {
            [FluxAnnotations.Prune] = FluxNames.DisabledValue,
            [FluxAnnotations.Reconcile] = FluxNames.DisabledValue,
        },
    };
}
