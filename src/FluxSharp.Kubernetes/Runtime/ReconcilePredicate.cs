using System.Text.Json.Nodes;

namespace FluxSharp.Kubernetes.Runtime;

/// <summary>
/// Which changes start a reconcile, as Flux's controllers filter them: new objects, spec changes (generation),
/// a new `reconcile.fluxcd.io/requestedAt` annotation, and deletion starting. Status-only writes (our own) don't.
/// </summary>
public static class ReconcilePredicate
{

    public static bool ShouldReconcile(ObjectChange change)
    {
        if (change.New is null || change.Resync)
        {
            return false;
        }

        if (change.Old is null)
        {
            return true;
        }

        return Generation(change.Old) != Generation(change.New)
            || RequestedAt(change.Old) != RequestedAt(change.New)
            || (change.Old["metadata"]?["deletionTimestamp"] is null && change.New["metadata"]?["deletionTimestamp"] is not null);
    }

    public static string? RequestedAt(JsonObject obj) => (string?)obj["metadata"]?["annotations"]?[FluxSharp.Api.FluxAnnotations.ReconcileRequestedAt];

    private static long? Generation(JsonObject obj) => (long?)obj["metadata"]?["generation"];
}
