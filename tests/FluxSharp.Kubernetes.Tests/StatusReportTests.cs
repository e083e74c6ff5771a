using FluxSharp.Api;
using FluxSharp.Kubernetes.Status;

namespace FluxSharp.Kubernetes.Tests;

/// <summary>The shared condition report: Ready, Reconciling and Stalled as Flux's kstatus-compatible summary.</summary>
public sealed class StatusReportTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly ConditionSummary Source = new([ConditionTypes.FetchFailed, ConditionTypes.ArtifactOutdated], [ConditionTypes.ArtifactInStorage]);

    [Fact]
    public void LastTransitionTimeMovesOnlyWhenTheStatusFlips()
    {
        var first = new StatusReport(null, 1, T0);
        first.Summarize(ReconcileOutcome.Succeeded(ConditionReasons.Succeeded, "stored r1"), Source);

        var same = new StatusReport(first.Conditions, 2, T0.AddMinutes(5));
        same.Summarize(ReconcileOutcome.Succeeded(ConditionReasons.Succeeded, "stored r2"), Source);
        var ready = same.Get(ConditionTypes.Ready)!;
        Assert.Equal(T0.UtcDateTime, ready.LastTransitionTime);
        Assert.Equal(("stored r2", 2L), (ready.Message, ready.ObservedGeneration));

        var flipped = new StatusReport(same.Conditions, 2, T0.AddMinutes(10).AddMilliseconds(700));
        flipped.Summarize(ReconcileOutcome.Failed(ConditionReasons.GitOperationFailed, "no such branch"), Source);
        Assert.Equal(T0.AddMinutes(10).UtcDateTime, flipped.Get(ConditionTypes.Ready)!.LastTransitionTime);
    }

    [Fact]
    public void ASuccessWithAnAbnormalConditionIsAFailureAndReadyMirrorsTheMostImportantOne()
    {
        var report = new StatusReport(null, 3, T0);
        report.MarkTrue(ConditionTypes.ArtifactOutdated, "NewRevision", "new upstream revision");
        report.MarkTrue(ConditionTypes.FetchFailed, ConditionReasons.AuthenticationFailed, "bad credentials");
        report.MarkTrue(ConditionTypes.ArtifactInStorage, ConditionReasons.Succeeded, "stored r1");

        var outcome = report.Summarize(ReconcileOutcome.Succeeded(ConditionReasons.Succeeded, "stored r1"), Source);

        Assert.Equal(OutcomeKind.Failed, outcome.Kind);
        var ready = report.Get(ConditionTypes.Ready)!;
        Assert.Equal(("False", ConditionReasons.AuthenticationFailed, "bad credentials"), (ready.Status, ready.Reason, ready.Message));
        Assert.Equal(ConditionReasons.ProgressingWithRetry, report.Get(ConditionTypes.Reconciling)!.Reason);
    }

    [Fact]
    public void APositiveConditionThatIsNotTrueMakesReadyFalse()
    {
        var report = new StatusReport(null, 1, T0);
        report.MarkFalse(ConditionTypes.Healthy, ConditionReasons.HealthCheckFailed, "timeout waiting for: [Deployment/a/b]");

        var outcome = report.Summarize(ReconcileOutcome.Succeeded(ConditionReasons.ReconciliationSucceeded, "Applied revision: r1"), new([], [ConditionTypes.Healthy]));

        Assert.Equal((OutcomeKind.Failed, ConditionReasons.HealthCheckFailed), (outcome.Kind, outcome.Reason));
        Assert.Equal("False", report.Get(ConditionTypes.Ready)!.Status);
    }

    [Fact]
    public void TheRunsOwnFailureComesBeforeAStaleCondition()
    {
        var report = new StatusReport(null, 1, T0);
        report.MarkTrue(ConditionTypes.FetchFailed, ConditionReasons.GitOperationFailed, "from an earlier run");

        report.Summarize(ReconcileOutcome.Failed(ConditionReasons.ReconciliationFailed, "the API server said 500"), Source);

        Assert.Equal("the API server said 500", report.Get(ConditionTypes.Ready)!.Message);
    }

    [Fact]
    public void StalledReplacesReconcilingAndSuccessClearsBoth()
    {
        var report = new StatusReport(null, 1, T0);
        report.Summarize(ReconcileOutcome.Failed(ConditionReasons.GitOperationFailed, "retrying"), Source);
        Assert.True(report.IsTrue(ConditionTypes.Reconciling));

        var stalled = new StatusReport(report.Conditions, 2, T0);
        stalled.Summarize(ReconcileOutcome.Stalled("UnsupportedField", "spec.verify is not supported"), Source);
        Assert.Null(stalled.Get(ConditionTypes.Reconciling));
        Assert.Equal("UnsupportedField", stalled.Get(ConditionTypes.Stalled)!.Reason);
        Assert.Equal("UnsupportedField", stalled.Get(ConditionTypes.Ready)!.Reason);

        var fixedUp = new StatusReport(stalled.Conditions, 3, T0);
        fixedUp.Summarize(ReconcileOutcome.Succeeded(ConditionReasons.Succeeded, "stored r1"), Source);
        Assert.Null(fixedUp.Get(ConditionTypes.Stalled));
        Assert.Null(fixedUp.Get(ConditionTypes.Reconciling));
        Assert.True(fixedUp.IsTrue(ConditionTypes.Ready));
    }
}
