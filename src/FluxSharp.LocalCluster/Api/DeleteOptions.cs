namespace FluxSharp.LocalCluster.Api;

/// <summary>How dependents are treated when their owner is deleted.</summary>
public enum PropagationPolicy
{
    Background,
    Foreground,
    Orphan,
}

/// <summary>The parts of metav1.DeleteOptions the server acts on (DryRun: the body's dryRun ["All"], as kubectl delete --dry-run=server sends it).</summary>
public sealed record DeleteOptions(PropagationPolicy? Propagation = null, string? PreconditionUid = null, string? PreconditionResourceVersion = null, bool DryRun = false);
