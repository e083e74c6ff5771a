namespace FluxSharp.LocalCluster.Api;

/// <summary>How dependents are treated when their owner is deleted.</summary>
public enum PropagationPolicy
{
    Background,
    Foreground,
    Orphan,
}

/// <summary>The parts of metav1.DeleteOptions the server acts on.</summary>
public sealed record DeleteOptions(PropagationPolicy? Propagation = null, string? PreconditionUid = null, string? PreconditionResourceVersion = null);
