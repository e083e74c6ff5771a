using FluxSharp.Api;
using FluxSharp.Api.Source.V1;
using FluxSharp.Kubernetes.Status;

namespace FluxSharp.Controllers.Source;

/// <summary>Builds a GitRepository's next status from the outcome of one reconcile, in Flux's condition vocabulary.</summary>
internal sealed class StatusReport
{
    private readonly GitRepository _repo;
    private readonly DateTime _now = DateTime.UtcNow.AddTicks(-(DateTime.UtcNow.Ticks % TimeSpan.TicksPerSecond));
    private List<Condition> _conditions;
    private Artifact? _artifact;

    public StatusReport(GitRepository repo)
    {
        _repo = repo;
        _conditions = repo.Status?.Conditions?.ToList() ?? [];
        _artifact = repo.Status?.Artifact;
    }

    public bool IsStalled => Conditions.IsTrue(_conditions, ConditionTypes.Stalled);

    private long? Generation => _repo.Metadata.Generation;

    public void Succeeded(Artifact artifact)
    {
        _artifact = artifact;
        var message = $"stored artifact for revision '{artifact.Revision}'";
        _conditions = Conditions.Remove(_conditions, ConditionTypes.FetchFailed);
        _conditions = Conditions.Remove(_conditions, ConditionTypes.Stalled);
        _conditions = Conditions.Remove(_conditions, ConditionTypes.Reconciling);
        _conditions = Conditions.Set(_conditions, ConditionTypes.ArtifactInStorage, ConditionStatus.True, ConditionReasons.Succeeded, message, Generation, _now);
        _conditions = Conditions.Set(_conditions, ConditionTypes.Ready, ConditionStatus.True, ConditionReasons.Succeeded, message, Generation, _now);
    }

    public void FetchFailed(string reason, string message, bool stalled)
    {
        _conditions = Conditions.Set(_conditions, ConditionTypes.FetchFailed, ConditionStatus.True, reason, message, Generation, _now);
        _conditions = Conditions.Set(_conditions, ConditionTypes.Ready, ConditionStatus.False, reason, message, Generation, _now);
        _conditions = stalled
            ? Conditions.Set(_conditions, ConditionTypes.Stalled, ConditionStatus.True, reason, message, Generation, _now)
            : Conditions.Set(_conditions, ConditionTypes.Reconciling, ConditionStatus.True, ConditionReasons.ProgressingWithRetry, message, Generation, _now);
    }

    public void Stalled(string reason, string message)
    {
        _conditions = Conditions.Remove(_conditions, ConditionTypes.Reconciling);
        _conditions = Conditions.Set(_conditions, ConditionTypes.Stalled, ConditionStatus.True, reason, message, Generation, _now);
        _conditions = Conditions.Set(_conditions, ConditionTypes.Ready, ConditionStatus.False, reason, message, Generation, _now);
    }

    public GitRepositoryStatus Build()
    {
        var spec = _repo.Spec;
        var previous = _repo.Status;
        var succeeded = Conditions.IsTrue(_conditions, ConditionTypes.Ready);
        return (previous ?? new GitRepositoryStatus()) with
        {
            ObservedGeneration = Generation,
            Conditions = _conditions,
            Artifact = _artifact,
            ObservedIgnore = succeeded ? spec.Ignore : previous?.ObservedIgnore,
            ObservedRecurseSubmodules = succeeded ? spec.RecurseSubmodules : previous?.ObservedRecurseSubmodules,
            ObservedSparseCheckout = succeeded ? spec.SparseCheckout : previous?.ObservedSparseCheckout,
            LastHandledReconcileAt = _repo.Metadata.Annotations?.TryGetValue(FluxAnnotations.ReconcileRequestedAt, out var at) == true ? at : previous?.LastHandledReconcileAt,
        };
    }
}
