using FluxSharp.Api;
using FluxSharp.Api.Kustomize.V1;
using FluxSharp.Kubernetes.Status;

namespace FluxSharp.Controllers.Kustomize;

/// <summary>Builds a Kustomization's next status from one reconcile's outcome, in Flux's condition vocabulary.</summary>
internal sealed class KustomizationReport
{
    private readonly Kustomization _ks;
    private readonly DateTime _now = DateTime.UtcNow.AddTicks(-(DateTime.UtcNow.Ticks % TimeSpan.TicksPerSecond));
    private List<Condition> _conditions;
    private string? _appliedRevision;
    private string? _attemptedRevision;
    private ResourceInventory? _inventory;

    public KustomizationReport(Kustomization ks)
    {
        _ks = ks;
        _conditions = ks.Status?.Conditions?.ToList() ?? [];
        _appliedRevision = ks.Status?.LastAppliedRevision;
        _attemptedRevision = ks.Status?.LastAttemptedRevision;
        _inventory = ks.Status?.Inventory;
    }

    public bool IsReady => Conditions.IsTrue(_conditions, ConditionTypes.Ready);

    public string Reason => Conditions.Find(_conditions, ConditionTypes.Ready)?.Reason ?? string.Empty;

    public string Message => Conditions.Find(_conditions, ConditionTypes.Ready)?.Message ?? string.Empty;

    private long? Generation => _ks.Metadata.Generation;

    /// <summary>Applied (and pruned): Ready unless a health check says otherwise.</summary>
    public void Applied(string revision, ResourceInventory inventory)
    {
        _appliedRevision = revision;
        _attemptedRevision = revision;
        _inventory = inventory;
        _conditions = Conditions.Remove(_conditions, ConditionTypes.Stalled);
        _conditions = Conditions.Remove(_conditions, ConditionTypes.Reconciling);
        _conditions = Conditions.Remove(_conditions, ConditionTypes.Healthy);
        Set(ConditionTypes.Ready, ConditionStatus.True, ConditionReasons.ReconciliationSucceeded, $"Applied revision: {revision}");
    }

    public void Healthy(string message) => Set(ConditionTypes.Healthy, ConditionStatus.True, ConditionReasons.Succeeded, message);

    public void Unhealthy(string message)
    {
        Set(ConditionTypes.Healthy, ConditionStatus.False, ConditionReasons.HealthCheckFailed, message);
        Set(ConditionTypes.Ready, ConditionStatus.False, ConditionReasons.HealthCheckFailed, message);
    }

    /// <summary>Failed at some step; the last applied revision and inventory stay as they were.</summary>
    public void Failed(string reason, string message, string? revision)
    {
        if (revision is not null)
        {
            _attemptedRevision = revision;
        }

        Set(ConditionTypes.Ready, ConditionStatus.False, reason, message);
        Set(ConditionTypes.Reconciling, ConditionStatus.True, ConditionReasons.ProgressingWithRetry, message);
    }

    public void Stalled(string reason, string message)
    {
        _conditions = Conditions.Remove(_conditions, ConditionTypes.Reconciling);
        Set(ConditionTypes.Stalled, ConditionStatus.True, reason, message);
        Set(ConditionTypes.Ready, ConditionStatus.False, reason, message);
    }

    public KustomizationStatus Build() => (_ks.Status ?? new KustomizationStatus()) with
    {
        ObservedGeneration = Generation,
        Conditions = _conditions,
        LastAppliedRevision = _appliedRevision,
        LastAttemptedRevision = _attemptedRevision,
        Inventory = _inventory,
        LastHandledReconcileAt = _ks.Metadata.Annotations?.TryGetValue(FluxAnnotations.ReconcileRequestedAt, out var at) == true ? at : _ks.Status?.LastHandledReconcileAt,
    };

    private void Set(string type, string status, string reason, string message) =>
        _conditions = Conditions.Set(_conditions, type, status, reason, message, Generation, _now);
}
