using FluxSharp.Api;
using FluxSharp.Kubernetes.Status;

namespace FluxSharp.Kubernetes.Runtime;

/// <summary>
/// One reconcile of one object, as the kind's steps see it: the object, the next status (its kind-specific fields),
/// the conditions report, the parsed intervals, and what to tell when done (success message, events).
/// </summary>
public sealed class ReconcileRun<T, TStatus>
    where T : class, IFluxObject<TStatus>
    where TStatus : class, IFluxStatus, new()
{
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly List<(string Reason, string Message)> _events = [];
    private readonly Func<ReconcileRun<T, TStatus>, CancellationToken, Task> _patchProgress;

    internal ReconcileRun(T obj, TimeProvider time, Func<ReconcileRun<T, TStatus>, CancellationToken, Task> patchProgress)
    {
        Object = obj;
        _patchProgress = patchProgress;
        _time = time;
        _started = time.GetTimestamp();
        Status = obj.Status ?? new TStatus();
        Report = new StatusReport(obj.Status?.Conditions, obj.Metadata.Generation, time.GetUtcNow());
    }

    public T Object { get; }

    /// <summary>
    /// The next status: starts as the current one; steps replace its kind-specific fields (artifact, inventory...).
    /// Its conditions, observedGeneration and lastHandledReconcileAt are written from <see cref="Report"/> and the object.
    /// </summary>
    public TStatus Status { get; set; }

    public StatusReport Report { get; }

    /// <summary>spec.interval, spec.timeout and spec.retryInterval, parsed before the steps run.</summary>
    public ReconcileIntervals Intervals { get; internal set; } = ReconcileIntervals.None;

    /// <summary>How long this reconcile has run.</summary>
    public TimeSpan Elapsed => _time.GetElapsedTime(_started);

    /// <summary>When a successful run comes again; null: after spec.interval.</summary>
    public TimeSpan? RequeueAfter { get; set; }

    /// <summary>Annotations on this run's events (e.g. the revision), as Flux's event metadata.</summary>
    public Dictionary<string, string> EventMetadata { get; } = [];

    internal ReconcileOutcome? Success { get; private set; }

    internal IReadOnlyList<(string Reason, string Message)> NormalEvents => _events;

    /// <summary>What Ready says when the run ends well (else: the first True positive condition, or "Succeeded").</summary>
    public void Succeeded(string reason, string message) => Success = ReconcileOutcome.Succeeded(reason, message);

    /// <summary>A Normal event, sent once the status is written (so whoever sees the event sees the status).</summary>
    public void Event(string reason, string message) => _events.Add((reason, message));

    /// <summary>
    /// Says on the object, before a long step, that work is under way (Flux's progressive status): Reconciling=True
    /// (Progressing) with <paramref name="message"/>, and Ready=Unknown with <paramref name="readyMessage"/> unless null,
    /// patched at once; the final report replaces both.
    /// </summary>
    public Task ProgressingAsync(string message, string? readyMessage, CancellationToken cancellationToken)
    {
        Report.MarkTrue(ConditionTypes.Reconciling, ConditionReasons.Progressing, message);
        if (readyMessage is not null)
        {
            Report.MarkUnknown(ConditionTypes.Ready, ConditionReasons.Progressing, readyMessage);
        }

        return _patchProgress(this, cancellationToken);
    }

    /// <summary>The status last written during this run (by <see cref="ProgressingAsync"/>), the base of the next patch.</summary>
    internal System.Text.Json.Nodes.JsonObject? Written { get; set; }
}
