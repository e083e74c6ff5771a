using System.Runtime.ExceptionServices;
using System.Text.Json.Nodes;
using FluxSharp.Api;
using FluxSharp.Kubernetes.Client;
using FluxSharp.Kubernetes.Status;
using k8s;
using Microsoft.Extensions.Logging;

namespace FluxSharp.Kubernetes.Runtime;

/// <summary>
/// The reconcile every Flux kind shares (Flux's Reconcile with its deferred summarize-and-patch): deletion runs the
/// kind's cleanup then removes the finalizer; otherwise the finalizer is added, suspended objects are left alone
/// (gotk_suspend_status), the intervals are parsed (a bad one stalls naming the field), the kind's steps run, and
/// then, whatever they threw, Ready/Reconciling/Stalled are summarized and the status is patched (with
/// observedGeneration and lastHandledReconcileAt), gotk_reconcile_condition is recorded and the events are sent.
/// A kind derives from it and holds only its steps.
/// </summary>
public abstract class FluxReconciler<T, TStatus> : IReconciler<T>
    where T : class, IFluxObject<TStatus>
    where TStatus : class, IFluxStatus, new()
{
    private readonly ObjectPatcher _patcher;
    private readonly string _kind;

    protected FluxReconciler(IKubernetes kube, ApiResource resource, string fieldManager, EventRecorder events, ILogger logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(resource);
        _patcher = new ObjectPatcher(kube, resource, fieldManager);
        _kind = resource.Kind;
        Events = events;
        Logger = logger;
        Time = time ?? TimeProvider.System;
    }

    protected EventRecorder Events { get; }

    protected ILogger Logger { get; }

    protected TimeProvider Time { get; }

    /// <summary>The kind's conditions Ready summarizes, most important first.</summary>
    protected virtual ConditionSummary Summary => ConditionSummary.None;

    public async Task<ReconcileResult> ReconcileAsync(T obj, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var run = new ReconcileRun<T, TStatus>(obj, Time, (r, ct) => PatchStatusAsync(r, observed: false, handled: false, ct));
        if (obj.Metadata.DeletionTimestamp is not null)
        {
            return await DeleteAsync(run, cancellationToken);
        }

        ControllerMetrics.Suspended.WithLabels(_kind, obj.Metadata.Name, obj.Metadata.NamespaceProperty ?? string.Empty).Set(obj.Suspended ? 1 : 0);
        if (obj.Suspended)
        {
            // As Flux: a suspended object is not touched, its status included (lastHandledReconcileAt stays).
            FluxReconcilerLog.Suspended(Logger, _kind, obj.Metadata.NamespaceProperty ?? string.Empty, obj.Metadata.Name);
            return ReconcileResult.Done;
        }

        ReconcileOutcome outcome;
        TimeSpan? waitFor = null;
        ExceptionDispatchInfo? backoff = null;
        try
        {
            if (obj.Metadata.Finalizers?.Contains(FluxNames.Finalizer) != true)
            {
                await _patcher.AddFinalizerAsync(obj, FluxNames.Finalizer, cancellationToken);
            }

            run.Intervals = ReconcileIntervals.Parse(obj);
            await ReconcileStepsAsync(run, cancellationToken);
            outcome = run.Success ?? DefaultSuccess(run.Report);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown (or the controller's whole-reconcile timeout): the steps stopped half-way, so nothing is
            // written. One merge patch is atomic, but a report of a cut-off run would be wrong (and a manager that
            // lost its lease must not write); the status keeps the last finished run's report until the next one.
            throw;
        }
        catch (Exception e)
        {
            (outcome, waitFor, backoff) = Classify(run, e);
        }

        // Summarize and patch: every run that got past suspend writes its status, whatever the steps threw.
        outcome = run.Report.Summarize(outcome, Summary);

        // As Flux: observedGeneration says the generation was reconciled to an end, a success or a stall; a failed
        // or waiting run leaves it behind (its conditions carry the generation they speak of).
        await PatchStatusAsync(run, observed: outcome.Kind is OutcomeKind.Succeeded or OutcomeKind.Stalled, handled: true, cancellationToken);
        await SendEventsAsync(run, outcome, cancellationToken);
        backoff?.Throw();
        return outcome.Kind switch
        {
            OutcomeKind.Succeeded => run.RequeueAfter is { } after ? ReconcileResult.After(after) : run.Intervals.Interval is { } interval ? ReconcileResult.After(interval) : ReconcileResult.Done,
            OutcomeKind.Stalled => ReconcileResult.Done,
            OutcomeKind.Waiting => (waitFor ?? run.Intervals.RetryInterval ?? run.Intervals.Interval) is { } wait ? ReconcileResult.After(wait) : ReconcileResult.Done,

            // Kinds with a retryInterval come back after it (Flux's GetRetryInterval); the others back off.
            _ => run.Intervals.RetryInterval is { } retry ? ReconcileResult.After(retry) : throw new ReconcileException(outcome.Reason, outcome.Message),
        };
    }

    /// <summary>The kind's steps, top to bottom (fetch, build, apply, report). Throwing fails the run (see <see cref="ReconcileException"/>).</summary>
    protected abstract Task ReconcileStepsAsync(ReconcileRun<T, TStatus> run, CancellationToken cancellationToken);

    /// <summary>The kind's cleanup when the object is deleted (artifacts, pruning); the finalizer is removed after it.</summary>
    protected virtual Task FinalizeAsync(T obj, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The condition reason of an exception the steps did not wrap in a <see cref="ReconcileException"/>; null
    /// when unexpected (Ready=False with ReconciliationFailed, retried with backoff whatever the retryInterval).
    /// </summary>
    protected virtual string? FailureReason(Exception exception) => null;

    /// <summary>Ready=True mirrors the kind's first True positive condition when the steps said nothing else.</summary>
    private ReconcileOutcome DefaultSuccess(StatusReport report) =>
        Summary.Positive.Select(report.Get).FirstOrDefault(c => c?.Status == ConditionStatus.True) is { } c
            ? ReconcileOutcome.Succeeded(c.Reason, c.Message)
            : ReconcileOutcome.Succeeded(ConditionReasons.Succeeded, "Reconciliation succeeded");

    private (ReconcileOutcome Outcome, TimeSpan? WaitFor, ExceptionDispatchInfo? Backoff) Classify(ReconcileRun<T, TStatus> run, Exception e) => e switch
    {
        StallingException s => (ReconcileOutcome.Stalled(s.Reason, s.Message), null, null),
        WaitingException w => (ReconcileOutcome.Waiting(w.Reason, w.Message), w.RequeueAfter, null),
        ReconcileException f => (ReconcileOutcome.Failed(f.Reason, f.Message), null, run.Intervals.RetryInterval is null ? ExceptionDispatchInfo.Capture(f) : null),
        _ when FailureReason(e) is { } reason => (ReconcileOutcome.Failed(reason, e.Message), null, run.Intervals.RetryInterval is null ? ExceptionDispatchInfo.Capture(e) : null),
        _ => (ReconcileOutcome.Failed(ConditionReasons.ReconciliationFailed, e.Message), null, ExceptionDispatchInfo.Capture(e)),
    };

    private async Task<ReconcileResult> DeleteAsync(ReconcileRun<T, TStatus> run, CancellationToken cancellationToken)
    {
        var obj = run.Object;
        if (obj.Metadata.Finalizers?.Contains(FluxNames.Finalizer) != true)
        {
            return ReconcileResult.Done;
        }

        try
        {
            await FinalizeAsync(obj, cancellationToken);
            await _patcher.RemoveFinalizerAsync(obj, FluxNames.Finalizer, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // The cleanup failed: say so on the object, which stays (with its finalizer) until a retry succeeds.
            var outcome = run.Report.Summarize(ReconcileOutcome.Failed((e as ReconcileException)?.Reason ?? FailureReason(e) ?? ConditionReasons.ReconciliationFailed, e.Message), Summary);
            await PatchStatusAsync(run, observed: false, handled: true, cancellationToken);
            await SendEventsAsync(run, outcome, cancellationToken);
            throw;
        }

        // Gone (or going): no status to write; the gauges say so, as Flux's do.
        ControllerMetrics.RecordCondition(_kind, obj.Metadata.NamespaceProperty ?? string.Empty, obj.Metadata.Name, ConditionTypes.Ready, "Deleted");
        ControllerMetrics.Suspended.RemoveLabelled(_kind, obj.Metadata.Name, obj.Metadata.NamespaceProperty ?? string.Empty);
        return ReconcileResult.Done;
    }

    /// <summary>
    /// Writes the run's status. <paramref name="observed"/>: the generation was reconciled to an end.
    /// <paramref name="handled"/>: the run is over, so a pending requestedAt counts as handled (a progress patch must
    /// not say so: flux reconcile reads Ready as soon as lastHandledReconcileAt matches).
    /// </summary>
    private async Task PatchStatusAsync(ReconcileRun<T, TStatus> run, bool observed, bool handled, CancellationToken cancellationToken)
    {
        var obj = run.Object;
        var before = run.Written ?? (obj.Status is null ? null : ObjectPatcher.ToJson(obj.Status));
        var after = ObjectPatcher.ToJson(run.Status);
        after["observedGeneration"] = observed ? run.Report.Generation : obj.Status?.ObservedGeneration;
        after["conditions"] = ObjectPatcher.ToJsonNode(run.Report.Conditions);
        after["lastHandledReconcileAt"] = handled && obj.Metadata.Annotations?.TryGetValue(FluxAnnotations.ReconcileRequestedAt, out var at) == true ? at : obj.Status?.LastHandledReconcileAt;
        await _patcher.PatchStatusAsync(obj, before, after, cancellationToken);
        run.Written = after;
        var ready = run.Report.Get(ConditionTypes.Ready)?.Status ?? ConditionStatus.Unknown;
        ControllerMetrics.RecordCondition(_kind, obj.Metadata.NamespaceProperty ?? string.Empty, obj.Metadata.Name, ConditionTypes.Ready, ready);
    }

    private async Task SendEventsAsync(ReconcileRun<T, TStatus> run, ReconcileOutcome outcome, CancellationToken cancellationToken)
    {
        foreach (var (reason, message) in run.NormalEvents)
        {
            await Events.NormalAsync(run.Object, reason, message, run.EventMetadata, cancellationToken);
        }

        // Failures and stalls are Warning events; waiting (e.g. for a dependency) is not an error.
        if (outcome.Kind is OutcomeKind.Failed or OutcomeKind.Stalled)
        {
            await Events.WarningAsync(run.Object, outcome.Reason, outcome.Message, run.EventMetadata, cancellationToken);
        }
    }
}

/// <summary>The skeleton's log lines (not generic: source-generated logging wants a plain class).</summary>
internal static partial class FluxReconcilerLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind} {Namespace}/{Name} is suspended, skipping")]
    public static partial void Suspended(ILogger logger, string kind, string @namespace, string name);
}
