using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using FluxSharp.Api;
using FluxSharp.Kubernetes.Client;
using FluxSharp.Kubernetes.Runtime;
using FluxSharp.Testing;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FluxSharp.Kubernetes.Tests;

/// <summary>A tiny Flux-shaped kind for exercising the reconcile skeleton.</summary>
public sealed record Gadget : IFluxObject<GadgetStatus>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "example.fluxsharp.dev/v1";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "Gadget";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public GadgetSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public GadgetStatus? Status { get; set; }

    bool IFluxObject.Suspended => Spec.Suspend == true;

    string? IFluxObject.Interval => Spec.Interval;

    string? IFluxObject.Timeout => Spec.Timeout;

    string? IFluxObject.RetryInterval => Spec.RetryInterval;
}

public sealed record GadgetSpec
{
    [JsonPropertyName("interval")]
    public string Interval { get; init; } = "1m";

    [JsonPropertyName("timeout")]
    public string? Timeout { get; init; }

    [JsonPropertyName("retryInterval")]
    public string? RetryInterval { get; init; }

    [JsonPropertyName("suspend")]
    public bool? Suspend { get; init; }
}

public sealed record GadgetStatus : IFluxStatus
{
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; init; }

    [JsonPropertyName("conditions")]
    public IList<Condition>? Conditions { get; init; }

    [JsonPropertyName("lastHandledReconcileAt")]
    public string? LastHandledReconcileAt { get; init; }

    /// <summary>A kind-specific field the steps write.</summary>
    [JsonPropertyName("built")]
    public string? Built { get; init; }
}

/// <summary>The Gadget CRD installed once per class.</summary>
public sealed class GadgetClusterFixture : ClusterFixture
{
    public static readonly ApiResource Gadgets = new("example.fluxsharp.dev", "v1", "gadgets", "Gadget");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await TestCrds.InstallAsync(Client, Gadgets);
    }
}

/// <summary>The reconcile skeleton every Flux kind shares, against the local control plane.</summary>
public sealed class FluxReconcilerTests : IClassFixture<GadgetClusterFixture>
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);
    private readonly GadgetClusterFixture _cluster;

    public FluxReconcilerTests(GadgetClusterFixture cluster) => _cluster = cluster;

    private ResourceClient Gadgets => new(_cluster.Client, GadgetClusterFixture.Gadgets);

    [Fact]
    public async Task AddsTheFinalizerRunsTheStepsAndReportsReadyWithTheObservedGeneration()
    {
        var ns = await _cluster.NewNamespaceAsync();
        var reconciler = new GadgetReconciler(_cluster.Client)
        {
            Steps = (run, _) =>
            {
                run.Status = run.Status with { Built = "v1" };
                run.Succeeded("Built", "built v1");
                return Task.CompletedTask;
            },
        };
        var gadget = await CreateAsync(ns, "g", new GadgetSpec { Interval = "5m" });

        var result = await reconciler.ReconcileAsync(gadget, CancellationToken.None);

        Assert.Equal(TimeSpan.FromMinutes(5), result.RequeueAfter);
        var after = await GetAsync(ns, "g");
        Assert.Contains(FluxNames.Finalizer, after!.Metadata.Finalizers ?? []);
        Assert.Equal("v1", after.Status!.Built);
        Assert.Equal(after.Metadata.Generation, after.Status.ObservedGeneration);
        var ready = Condition(after, ConditionTypes.Ready)!;
        Assert.Equal(("True", "Built", "built v1"), (ready.Status, ready.Reason, ready.Message));
        Assert.Equal(after.Metadata.Generation, ready.ObservedGeneration);
        Assert.Null(Condition(after, ConditionTypes.Reconciling));
        Assert.Null(Condition(after, ConditionTypes.Stalled));
        Assert.Equal(1, ControllerMetrics.Condition.WithLabels("Gadget", "g", ns, "Ready", "True").Value);
    }

    [Fact]
    public async Task DeletionRunsTheKindsCleanupThenRemovesTheFinalizer()
    {
        var ns = await _cluster.NewNamespaceAsync();
        var reconciler = new GadgetReconciler(_cluster.Client);
        await reconciler.ReconcileAsync(await CreateAsync(ns, "gone", new GadgetSpec()), CancellationToken.None);
        await _cluster.Client.CustomObjects.DeleteNamespacedCustomObjectAsync("example.fluxsharp.dev", "v1", ns, "gadgets", "gone");
        var deleting = await GetAsync(ns, "gone");
        Assert.NotNull(deleting!.Metadata.DeletionTimestamp);

        var result = await reconciler.ReconcileAsync(deleting, CancellationToken.None);

        Assert.Null(result.RequeueAfter);
        Assert.Equal(["gone"], reconciler.Finalized);
        Assert.Null(await GetAsync(ns, "gone"));
        Assert.Equal(1, reconciler.Runs);
    }

    [Fact]
    public async Task AFailingCleanupKeepsTheFinalizerAndSaysWhy()
    {
        var ns = await _cluster.NewNamespaceAsync();
        var reconciler = new GadgetReconciler(_cluster.Client) { Cleanup = _ => throw new IOException("cannot delete the artifacts") };
        await reconciler.ReconcileAsync(await CreateAsync(ns, "stuck", new GadgetSpec()), CancellationToken.None);
        await _cluster.Client.CustomObjects.DeleteNamespacedCustomObjectAsync("example.fluxsharp.dev", "v1", ns, "gadgets", "stuck");

        await Assert.ThrowsAsync<IOException>(async () => await reconciler.ReconcileAsync((await GetAsync(ns, "stuck"))!, CancellationToken.None));

        var stuck = await GetAsync(ns, "stuck");
        Assert.Contains(FluxNames.Finalizer, stuck!.Metadata.Finalizers ?? []);
        var ready = Condition(stuck, ConditionTypes.Ready)!;
        Assert.Equal(("False", ConditionReasons.ReconciliationFailed, "cannot delete the artifacts"), (ready.Status, ready.Reason, ready.Message));
    }

    [Fact]
    public async Task ASuspendedObjectIsLeftAloneAndTheSuspendGaugeSaysSo()
    {
        var ns = await _cluster.NewNamespaceAsync();
        var reconciler = new GadgetReconciler(_cluster.Client);
        var gadget = await CreateAsync(ns, "sus", new GadgetSpec { Suspend = true }, requestedAt: "r1");

        var result = await reconciler.ReconcileAsync(gadget, CancellationToken.None);

        Assert.Null(result.RequeueAfter);
        Assert.Equal(0, reconciler.Runs);
        Assert.Null((await GetAsync(ns, "sus"))!.Status);
        Assert.Equal(1, ControllerMetrics.Suspended.WithLabels("Gadget", "sus", ns).Value);
    }

    [Theory]
    [InlineData("interval", "soon", "spec.interval: \"soon\" is not a positive duration")]
    [InlineData("timeout", "0s", "spec.timeout: \"0s\" is not a positive duration")]
    [InlineData("retryInterval", "-1m", "spec.retryInterval: \"-1m\" is not a positive duration")]
    public async Task ABadIntervalStallsTheObjectNamingTheField(string field, string value, string message)
    {
        var ns = await _cluster.NewNamespaceAsync();
        var reconciler = new GadgetReconciler(_cluster.Client);
        var spec = field switch
        {
            "interval" => new GadgetSpec { Interval = value },
            "timeout" => new GadgetSpec { Timeout = value },
            _ => new GadgetSpec { RetryInterval = value },
        };
        var gadget = await CreateAsync(ns, "bad", spec);

        var result = await reconciler.ReconcileAsync(gadget, CancellationToken.None);

        Assert.Null(result.RequeueAfter);
        Assert.Equal(0, reconciler.Runs);
        var after = await GetAsync(ns, "bad");
        Assert.Equal("True", Condition(after!, ConditionTypes.Stalled)?.Status);
        var ready = Condition(after!, ConditionTypes.Ready)!;
        Assert.Equal("False", ready.Status);
        Assert.StartsWith(message, ready.Message, StringComparison.Ordinal);
        Assert.Null(Condition(after!, ConditionTypes.Reconciling));
        await Eventually.WaitAsync(() => EventsAsync(ns, "bad"), e => e.Any(x => x.Type == "Warning" && x.Message.StartsWith(message, StringComparison.Ordinal)), what: "a Warning event");
    }

    [Fact]
    public async Task RequestedAtIsRecordedAsLastHandledReconcileAt()
    {
        var ns = await _cluster.NewNamespaceAsync();
        var reconciler = new GadgetReconciler(_cluster.Client);
        var gadget = await CreateAsync(ns, "req", new GadgetSpec(), requestedAt: "2026-01-01T00:00:00Z");

        await reconciler.ReconcileAsync(gadget, CancellationToken.None);

        Assert.Equal("2026-01-01T00:00:00Z", (await GetAsync(ns, "req"))!.Status!.LastHandledReconcileAt);
    }

    [Fact]
    public async Task ProgressIsPatchedBeforeALongStepAndReplacedByTheFinalReport()
    {
        var ns = await _cluster.NewNamespaceAsync();
        Gadget? during = null;
        var reconciler = new GadgetReconciler(_cluster.Client)
        {
            Steps = async (run, ct) =>
            {
                await run.ProgressingAsync("Fetching manifests for revision r1", "Reconciliation in progress", ct);
                during = await GetAsync(run.Object.Metadata.NamespaceProperty, run.Object.Metadata.Name);
                run.Succeeded("Built", "built r1");
            },
        };
        var gadget = await CreateAsync(ns, "slow", new GadgetSpec(), requestedAt: "2026-02-02T00:00:00Z");

        await reconciler.ReconcileAsync(gadget, CancellationToken.None);

        var reconciling = Condition(during!, ConditionTypes.Reconciling)!;
        Assert.Equal(("True", ConditionReasons.Progressing, "Fetching manifests for revision r1"), (reconciling.Status, reconciling.Reason, reconciling.Message));
        var unknown = Condition(during!, ConditionTypes.Ready)!;
        Assert.Equal(("Unknown", ConditionReasons.Progressing, "Reconciliation in progress"), (unknown.Status, unknown.Reason, unknown.Message));

        // Mid-run the request is not handled yet (flux reconcile reads Ready as soon as it is), nor the generation observed.
        Assert.Null(during!.Status!.LastHandledReconcileAt);
        Assert.Null(during.Status.ObservedGeneration);
        var after = await GetAsync(ns, "slow");
        Assert.Null(Condition(after!, ConditionTypes.Reconciling));
        Assert.Equal("True", Condition(after!, ConditionTypes.Ready)!.Status);
        Assert.Equal(("2026-02-02T00:00:00Z", after!.Metadata.Generation), (after.Status!.LastHandledReconcileAt, after.Status.ObservedGeneration));
    }

    [Fact]
    public async Task AKnownFailureComesBackAfterTheRetryIntervalAndReadyMirrorsIt()
    {
        var ns = await _cluster.NewNamespaceAsync();
        var reconciler = new GadgetReconciler(_cluster.Client)
        {
            Steps = (run, _) => throw new ReconcileException("FetchFailed", "upstream said no"),
        };
        var gadget = await CreateAsync(ns, "retry", new GadgetSpec { RetryInterval = "30s" });

        var result = await reconciler.ReconcileAsync(gadget, CancellationToken.None);

        Assert.Equal(TimeSpan.FromSeconds(30), result.RequeueAfter);
        var after = await GetAsync(ns, "retry");
        var ready = Condition(after!, ConditionTypes.Ready)!;
        Assert.Equal(("False", "FetchFailed", "upstream said no"), (ready.Status, ready.Reason, ready.Message));
        var reconciling = Condition(after!, ConditionTypes.Reconciling)!;
        Assert.Equal(("True", ConditionReasons.ProgressingWithRetry), (reconciling.Status, reconciling.Reason));
        Assert.Null(Condition(after!, ConditionTypes.Stalled));

        // As Flux: a failed run leaves status.observedGeneration behind; Ready's own generation says what it speaks of.
        Assert.Null(after!.Status!.ObservedGeneration);
        Assert.Equal(after.Metadata.Generation, ready.ObservedGeneration);
    }

    [Fact]
    public async Task WaitingIsNotAnErrorAndComesBackWhenAsked()
    {
        var ns = await _cluster.NewNamespaceAsync();
        var reconciler = new GadgetReconciler(_cluster.Client)
        {
            Steps = (run, _) => throw new WaitingException(ConditionReasons.DependencyNotReady, "dependency 'x' is not ready", TimeSpan.FromSeconds(5)),
        };
        var gadget = await CreateAsync(ns, "wait", new GadgetSpec());

        var result = await reconciler.ReconcileAsync(gadget, CancellationToken.None);

        Assert.Equal(TimeSpan.FromSeconds(5), result.RequeueAfter);
        var ready = Condition((await GetAsync(ns, "wait"))!, ConditionTypes.Ready)!;
        Assert.Equal(("False", ConditionReasons.DependencyNotReady), (ready.Status, ready.Reason));
        Assert.DoesNotContain(await EventsAsync(ns, "wait"), e => e.Type == "Warning");
    }

    [Fact]
    public async Task AnUnexpectedExceptionFromAStepIsWrittenToReadyAndRethrownForBackoff()
    {
        var ns = await _cluster.NewNamespaceAsync();
        var reconciler = new GadgetReconciler(_cluster.Client)
        {
            // Even with a retryInterval: an unexpected exception backs off.
            Steps = (run, _) => throw new k8s.Autorest.HttpOperationException("the API server said 500"),
        };
        var gadget = await CreateAsync(ns, "boom", new GadgetSpec { RetryInterval = "30s" });

        await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => reconciler.ReconcileAsync(gadget, CancellationToken.None));

        var after = await GetAsync(ns, "boom");
        var ready = Condition(after!, ConditionTypes.Ready)!;
        Assert.Equal(("False", ConditionReasons.ReconciliationFailed, "the API server said 500"), (ready.Status, ready.Reason, ready.Message));
        Assert.Equal("True", Condition(after!, ConditionTypes.Reconciling)?.Status);
        await Eventually.WaitAsync(() => EventsAsync(ns, "boom"), e => e.Any(x => x.Type == "Warning" && x.Reason == ConditionReasons.ReconciliationFailed), what: "a Warning event");
    }

    [Fact]
    public async Task AnUnexpectedExceptionIsRetriedWithBackoffByTheController()
    {
        var ns = await _cluster.NewNamespaceAsync();
        var attempts = 0;
        var reconciler = new GadgetReconciler(_cluster.Client)
        {
            Steps = (run, _) => Interlocked.Increment(ref attempts) == 1 ? throw new IOException("disk full") : Task.CompletedTask,
        };
        var clock = new FakeTimeProvider();
        var backoff = TimeSpan.FromSeconds(10);
        using var cts = new CancellationTokenSource();
        using var controller = new Controller<Gadget>(_cluster.Client, GadgetClusterFixture.Gadgets, reconciler, new ControllerOptions { Namespace = ns, BaseRetryDelay = backoff, TimeProvider = clock }, NullLogger.Instance);
        var run = controller.RunAsync(cts.Token);
        var key = new ObjectKey(ns, "flaky");
        await CreateAsync(ns, "flaky", new GadgetSpec { Interval = "1h" });

        await Eventually.WaitAsync(() => controller.Queue.Failures(key) == 1 && controller.Queue.Waiting == 1, what: "the failure waiting for its backoff");
        var failed = await GetAsync(ns, "flaky");
        Assert.Equal(("False", "disk full"), (Condition(failed!, ConditionTypes.Ready)!.Status, Condition(failed!, ConditionTypes.Ready)!.Message));

        clock.Advance(backoff - TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, Volatile.Read(ref attempts));

        clock.Advance(TimeSpan.FromMilliseconds(1));
        var ready = await Eventually.WaitAsync(() => GetAsync(ns, "flaky"), g => Condition(g!, ConditionTypes.Ready)?.Status == "True", what: "Ready after the retry");
        Assert.Equal(2, Volatile.Read(ref attempts));
        Assert.Null(Condition(ready!, ConditionTypes.Reconciling));

        // Succeeded: the next run is on the interval, not sooner.
        await Eventually.WaitAsync(() => controller.Queue.Failures(key) == 0 && controller.Queue.Waiting == 1, what: "requeued on its interval");
        clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(2, Volatile.Read(ref attempts));
        await cts.CancelAsync();
        await run.WaitAsync(StopTimeout);
    }

    [Fact]
    public async Task ShutdownDuringTheStepsWritesNothing()
    {
        var ns = await _cluster.NewNamespaceAsync();
        using var stopping = new CancellationTokenSource();
        var reconciler = new GadgetReconciler(_cluster.Client)
        {
            Steps = async (run, ct) =>
            {
                await stopping.CancelAsync();
                ct.ThrowIfCancellationRequested();
            },
        };
        var gadget = await CreateAsync(ns, "stop", new GadgetSpec());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reconciler.ReconcileAsync(gadget, stopping.Token));

        Assert.Null((await GetAsync(ns, "stop"))!.Status);
    }

    private static Condition? Condition(Gadget gadget, string type) => gadget.Status?.Conditions?.FirstOrDefault(c => c.Type == type);

    private async Task<Gadget> CreateAsync(string ns, string name, GadgetSpec spec, string? requestedAt = null)
    {
        var gadget = new Gadget { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns }, Spec = spec };
        if (requestedAt is not null)
        {
            gadget.Metadata.Annotations = new Dictionary<string, string> { [FluxAnnotations.ReconcileRequestedAt] = requestedAt };
        }

        await _cluster.Client.CustomObjects.CreateNamespacedCustomObjectAsync(JsonNode.Parse(KubernetesJson.Serialize(gadget)), "example.fluxsharp.dev", "v1", ns, "gadgets");
        return (await GetAsync(ns, name))!;
    }

    private async Task<Gadget?> GetAsync(string ns, string name)
    {
        var json = await Gadgets.GetAsync(ns, name, CancellationToken.None);
        return json is null ? null : KubernetesJson.Deserialize<Gadget>(json.ToJsonString());
    }

    private async Task<IReadOnlyList<Corev1Event>> EventsAsync(string ns, string name) =>
        (await _cluster.Client.CoreV1.ListNamespacedEventAsync(ns)).Items.Where(e => e.InvolvedObject.Name == name).ToList();

    private sealed class GadgetReconciler(IKubernetes kube)
        : FluxReconciler<Gadget, GadgetStatus>(kube, GadgetClusterFixture.Gadgets, "gadget-controller", new EventRecorder(kube, "gadget-controller", NullLogger.Instance), NullLogger.Instance)
    {
        private int _runs;

        public Func<ReconcileRun<Gadget, GadgetStatus>, CancellationToken, Task>? Steps { get; init; }

        public Func<Gadget, Task>? Cleanup { get; init; }

        public List<string> Finalized { get; } = [];

        public int Runs => Volatile.Read(ref _runs);

        protected override Task ReconcileStepsAsync(ReconcileRun<Gadget, GadgetStatus> run, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _runs);
            return Steps?.Invoke(run, cancellationToken) ?? Task.CompletedTask;
        }

        protected override async Task FinalizeAsync(Gadget obj, CancellationToken cancellationToken)
        {
            if (Cleanup is not null)
            {
                await Cleanup(obj);
            }

            Finalized.Add(obj.Metadata.Name);
        }
    }
}
