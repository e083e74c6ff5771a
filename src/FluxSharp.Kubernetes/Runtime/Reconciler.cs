namespace FluxSharp.Kubernetes.Runtime;

/// <summary>What a reconcile asks of the queue: nothing (wait for the next change) or another run after a delay.</summary>
public sealed record ReconcileResult(TimeSpan? RequeueAfter = null)
{
    public static ReconcileResult Done { get; } = new();

    public static ReconcileResult After(TimeSpan delay) => new(delay);
}

/// <summary>One kind's reconcile: bring the world in line with <paramref name="obj"/> and report on it.</summary>
public interface IReconciler<in T>
    where T : class
{
    /// <summary>Throwing means "failed, retry with backoff"; returning means success (with an optional requeue).</summary>
    Task<ReconcileResult> ReconcileAsync(T obj, CancellationToken cancellationToken);
}
