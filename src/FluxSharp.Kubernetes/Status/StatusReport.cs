using FluxSharp.Api;

namespace FluxSharp.Kubernetes.Status;

/// <summary>How one reconcile ended, as Flux's runtime sorts results: success, failure (retried), waiting (requeued, not an error) or stalled (not retried).</summary>
public enum OutcomeKind
{
    Succeeded,
    Failed,
    Waiting,
    Stalled,
}

/// <summary>How one reconcile ended, with the reason and message Ready reports.</summary>
public sealed record ReconcileOutcome(OutcomeKind Kind, string Reason, string Message)
{
    public static ReconcileOutcome Succeeded(string reason, string message) => new(OutcomeKind.Succeeded, reason, message);

    public static ReconcileOutcome Failed(string reason, string message) => new(OutcomeKind.Failed, reason, message);

    public static ReconcileOutcome Waiting(string reason, string message) => new(OutcomeKind.Waiting, reason, message);

    public static ReconcileOutcome Stalled(string reason, string message) => new(OutcomeKind.Stalled, reason, message);
}

/// <summary>
/// The conditions a kind's Ready summarizes, most important first (Flux's summarize.Conditions): abnormal-true ones
/// (e.g. FetchFailed, ArtifactOutdated) and normal-true ones (e.g. ArtifactInStorage, Healthy).
/// </summary>
public sealed record ConditionSummary(IReadOnlyList<string> NegativePolarity, IReadOnlyList<string> Positive)
{
    public static ConditionSummary None { get; } = new([], []);
}

/// <summary>
/// The conditions of one reconcile, in Flux's vocabulary, for every kind: conditions are set one type at a time
/// (lastTransitionTime moves only when the status flips, observedGeneration is the generation reconciled), and
/// <see cref="Summarize"/> computes Ready, Reconciling and Stalled from how the run ended, as kstatus reads them.
/// Kind-specific status fields (artifact, inventory, ...) are not here: the kind's steps keep them.
/// </summary>
public sealed class StatusReport
{
    private List<Condition> _conditions;

    public StatusReport(IEnumerable<Condition>? current, long? generation, DateTimeOffset now)
    {
        _conditions = current?.ToList() ?? [];
        Generation = generation;

        // Condition times are whole seconds (metav1.Time is serialized without fractions).
        var utc = now.UtcDateTime;
        Now = utc.AddTicks(-(utc.Ticks % TimeSpan.TicksPerSecond));
    }

    /// <summary>The generation this report speaks of (each condition's observedGeneration, and the status').</summary>
    public long? Generation { get; }

    public DateTime Now { get; }

    public IReadOnlyList<Condition> Conditions => _conditions;

    public Condition? Get(string type) => Status.Conditions.Find(_conditions, type);

    public bool IsTrue(string type) => Status.Conditions.IsTrue(_conditions, type);

    public bool IsFalse(string type) => Get(type)?.Status == ConditionStatus.False;

    public void MarkTrue(string type, string reason, string message) => Set(type, ConditionStatus.True, reason, message);

    public void MarkFalse(string type, string reason, string message) => Set(type, ConditionStatus.False, reason, message);

    public void MarkUnknown(string type, string reason, string message) => Set(type, ConditionStatus.Unknown, reason, message);

    public void Set(string type, string status, string reason, string message) =>
        _conditions = Status.Conditions.Set(_conditions, type, status, reason, message, Generation, Now);

    public void Delete(string type) => _conditions = Status.Conditions.Remove(_conditions, type);

    /// <summary>
    /// Sets Ready, Reconciling and Stalled from how the run ended (Flux's ComputeReconcileResult + SetSummary):
    /// <list type="bullet">
    /// <item>Ready is False with the run's own failure when there is one (it is what happened now); otherwise it
    /// mirrors the most important abnormal condition of <paramref name="summary"/> (an abnormal-true one, then a
    /// positive one that is not True), and the run counts as failed; otherwise it is True with the success.</item>
    /// <item>Stalled is True only for a stalled run (no retry until the spec changes) and removed otherwise.</item>
    /// <item>Reconciling is True (ProgressingWithRetry) while a failed or waiting run is retried, and removed on
    /// success or stall.</item>
    /// </list>
    /// Returns the outcome as summarized (a success with an abnormal condition is a failure).
    /// </summary>
    public ReconcileOutcome Summarize(ReconcileOutcome outcome, ConditionSummary summary)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(summary);
        if (outcome.Kind == OutcomeKind.Succeeded && FirstAbnormal(summary) is { } abnormal)
        {
            outcome = ReconcileOutcome.Failed(abnormal.Reason, abnormal.Message);
        }

        switch (outcome.Kind)
        {
            case OutcomeKind.Stalled:
                Delete(ConditionTypes.Reconciling);
                MarkTrue(ConditionTypes.Stalled, outcome.Reason, outcome.Message);
                MarkFalse(ConditionTypes.Ready, outcome.Reason, outcome.Message);
                break;
            case OutcomeKind.Failed or OutcomeKind.Waiting:
                Delete(ConditionTypes.Stalled);
                MarkTrue(ConditionTypes.Reconciling, ConditionReasons.ProgressingWithRetry, outcome.Message);
                MarkFalse(ConditionTypes.Ready, outcome.Reason, outcome.Message);
                break;
            default:
                Delete(ConditionTypes.Stalled);
                Delete(ConditionTypes.Reconciling);
                MarkTrue(ConditionTypes.Ready, outcome.Reason, outcome.Message);
                break;
        }

        return outcome;
    }

    private Condition? FirstAbnormal(ConditionSummary summary) =>
        summary.NegativePolarity.Select(Get).FirstOrDefault(c => c?.Status == ConditionStatus.True)
        ?? summary.Positive.Select(Get).FirstOrDefault(c => c is not null && c.Status != ConditionStatus.True);
}
