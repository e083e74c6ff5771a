using System.Collections.Concurrent;
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

/// <summary>A tiny custom resource for exercising the runtime.</summary>
public sealed class Widget : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "example.fluxsharp.dev/v1";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "Widget";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public JsonObject? Spec { get; set; }

    [JsonPropertyName("status")]
    public JsonObject? Status { get; set; }
}

/// <summary>The Widget CRD installed once per class.</summary>
public sealed class WidgetClusterFixture : ClusterFixture
{
    public static readonly ApiResource Widgets = new("example.fluxsharp.dev", "v1", "widgets", "Widget");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await TestCrds.InstallAsync(Client, Widgets);
    }
}

/// <summary>The controller runtime against the local control plane: what triggers a reconcile, requeues, retries.</summary>
public sealed class ControllerTests : IClassFixture<WidgetClusterFixture>
{
    /// <summary>Bounds starting and stopping a controller or informer: a hang fails the test instead of stalling the run.</summary>
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    private readonly WidgetClusterFixture _cluster;

    public ControllerTests(WidgetClusterFixture cluster) => _cluster = cluster;

    [Fact]
    public async Task ReconcilesOnCreateSpecChangeAndRequestedAtButNotOnStatusWrites()
    {
        var ns = await _cluster.NewNamespaceAsync();
        var reconciler = new RecordingReconciler(_cluster.Client);
        using var cts = new CancellationTokenSource();

        // A fake clock: no timer (requeue, backoff, resync) can fire unless the test moves it.
        var clock = new FakeTimeProvider();
        using var controller = new Controller<Widget>(_cluster.Client, WidgetClusterFixture.Widgets, reconciler, new ControllerOptions { Namespace = ns, TimeProvider = clock }, NullLogger.Instance);
        var run = controller.RunAsync(cts.Token);

        await CreateWidgetAsync(ns, "w1", """{"size":1}""");
        await Eventually.WaitAsync(() => reconciler.Count("w1") >= 1, what: "first reconcile");

        // The reconciler writes status: that must not trigger another reconcile.
        await Eventually.WaitAsync(async () => (await GetAsync(ns, "w1"))["status"]?["seen"]?.GetValue<int>(), s => s == 1, what: "status written");
        await AssertNothingMoreQueuedAsync(controller, ns, "w1", reconciler, 1);

        await PatchAsync(ns, "w1", """{"spec":{"size":2}}""");
        await Eventually.WaitAsync(() => reconciler.Count("w1") >= 2, what: "reconcile after a spec change");

        await PatchAsync(ns, "w1", """{"metadata":{"annotations":{"reconcile.fluxcd.io/requestedAt":"now"}}}""");
        await Eventually.WaitAsync(() => reconciler.Count("w1") >= 3, what: "reconcile after requestedAt");

        await PatchAsync(ns, "w1", """{"metadata":{"labels":{"unrelated":"change"}}}""");
        await AssertNothingMoreQueuedAsync(controller, ns, "w1", reconciler, 3);

        await cts.CancelAsync();
        await run.WaitAsync(StopTimeout);
    }

    [Fact]
    public async Task RequeueAfterRunsTheReconcileAgain()
    {
        var ns = await _cluster.NewNamespaceAsync();
        var reconciler = new RecordingReconciler(_cluster.Client) { Requeue = TimeSpan.FromMilliseconds(100) };
        using var cts = new CancellationTokenSource();
        using var controller = new Controller<Widget>(_cluster.Client, WidgetClusterFixture.Widgets, reconciler, new ControllerOptions { Namespace = ns }, NullLogger.Instance);
        var run = controller.RunAsync(cts.Token);
        await CreateWidgetAsync(ns, "w2", "{}");
        await Eventually.WaitAsync(() => reconciler.Count("w2") >= 3, what: "three reconciles on a 100 ms interval");
        await cts.CancelAsync();
        await run.WaitAsync(StopTimeout);
    }

    [Fact]
    public async Task AFailingReconcileIsRetriedWithBackoffAndOthersKeepReconciling()
    {
        var ns = await _cluster.NewNamespaceAsync();
        var reconciler = new RecordingReconciler(_cluster.Client) { FailFor = "bad", FailTimes = 3 };
        using var cts = new CancellationTokenSource();
        var clock = new FakeTimeProvider();
        var baseDelay = TimeSpan.FromSeconds(10);
        using var controller = new Controller<Widget>(_cluster.Client, WidgetClusterFixture.Widgets, reconciler, new ControllerOptions { Namespace = ns, BaseRetryDelay = baseDelay, TimeProvider = clock }, NullLogger.Instance);
        var run = controller.RunAsync(cts.Token);
        var bad = new ObjectKey(ns, "bad");
        await CreateWidgetAsync(ns, "bad", "{}");
        await CreateWidgetAsync(ns, "good", "{}");
        await Eventually.WaitAsync(() => reconciler.Count("good") >= 1, what: "the good widget reconciled");

        // Each failure waits 10 s, 20 s, 40 s: just short of the delay nothing runs, just past it exactly one retry.
        for (var failures = 1; failures <= 3; failures++)
        {
            await Eventually.WaitAsync(() => controller.Queue.Failures(bad) == failures && controller.Queue.Waiting == 1, what: $"failure {failures} waiting for its backoff");
            var delay = baseDelay * Math.Pow(2, failures - 1);
            clock.Advance(delay - TimeSpan.FromMilliseconds(100));
            Assert.Equal(failures, reconciler.Count("bad"));
            Assert.Equal(1, controller.Queue.Waiting);

            clock.Advance(TimeSpan.FromMilliseconds(100));
            await Eventually.WaitAsync(() => reconciler.Count("bad") == failures + 1, what: $"retry {failures} after {delay}");
        }

        // The fourth attempt succeeded: nothing waits any more, and the good one was reconciled once.
        await Eventually.WaitAsync(() => controller.Queue.Waiting == 0 && controller.Queue.Length == 0, what: "an empty queue");
        Assert.Equal(4, reconciler.Count("bad"));
        Assert.Equal(1, reconciler.Count("good"));
        await cts.CancelAsync();
        await run.WaitAsync(StopTimeout);
    }

    [Fact]
    public async Task TheInformerCacheFollowsCreatesUpdatesAndDeletes()
    {
        var ns = await _cluster.NewNamespaceAsync();
        var informer = new Informer(new ResourceClient(_cluster.Client, WidgetClusterFixture.Widgets), ns, NullLogger.Instance) { WatchTimeout = TimeSpan.FromSeconds(1) };
        var changes = new ConcurrentQueue<ObjectChange>();
        informer.Changed += changes.Enqueue;
        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);
        await informer.Synced.WaitAsync(StopTimeout);
        await CreateWidgetAsync(ns, "c1", """{"v":1}""");
        await Eventually.WaitAsync(() => informer.Get(new ObjectKey(ns, "c1")) is not null, what: "cached after create");
        await PatchAsync(ns, "c1", """{"spec":{"v":2}}""");
        await Eventually.WaitAsync(() => (int?)informer.Get(new ObjectKey(ns, "c1"))?["spec"]?["v"] == 2, what: "cache updated");

        // Survives the watch being renewed (1 s timeout) and sees a delete after it.
        var watches = informer.WatchesStarted;
        await Eventually.WaitAsync(() => informer.WatchesStarted > watches, what: "the watch renewed");
        await _cluster.Client.CustomObjects.DeleteNamespacedCustomObjectAsync("example.fluxsharp.dev", "v1", ns, "widgets", "c1");
        await Eventually.WaitAsync(() => informer.Get(new ObjectKey(ns, "c1")) is null, what: "removed after delete");
        Assert.Contains(changes, c => c.New is null && c.Key.Name == "c1");
        await cts.CancelAsync();
        await run.WaitAsync(StopTimeout);
    }

    [Fact]
    public async Task WatchingFromATooOldResourceVersionSaysExpired()
    {
        var client = new ResourceClient(_cluster.Client, WidgetClusterFixture.Widgets);
        var ns = await _cluster.NewNamespaceAsync();
        for (var i = 0; i < 3; i++)
        {
            await CreateWidgetAsync(ns, $"old{i}", "{}");
        }

        await Assert.ThrowsAsync<ResourceVersionExpiredException>(async () =>
        {
            await foreach (var _ in client.WatchAsync(ns, "-5", TimeSpan.FromSeconds(2), CancellationToken.None))
            {
            }
        });
    }

    /// <summary>
    /// Proves that the changes made so far queued nothing: a later change (a label, which never reconciles) is
    /// waited for in the informer's cache, so every earlier watch event has been handled; then the count is unchanged
    /// and nothing is queued, in flight or waiting.
    /// </summary>
    private async Task AssertNothingMoreQueuedAsync(Controller<Widget> controller, string ns, string name, RecordingReconciler reconciler, int expected)
    {
        var barrier = Guid.NewGuid().ToString("N")[..8];
        await PatchAsync(ns, name, "{\"metadata\":{\"labels\":{\"barrier\":\"" + barrier + "\"}}}");
        await Eventually.WaitAsync(() => (string?)controller.Informer.Get(new ObjectKey(ns, name))?["metadata"]?["labels"]?["barrier"] == barrier, what: "the barrier change seen");
        await Eventually.WaitAsync(() => controller.Queue.Length == 0, what: "no reconcile in flight");
        Assert.Equal(expected, reconciler.Count(name));
        Assert.Equal(0, controller.Queue.Waiting);
    }

    private async Task CreateWidgetAsync(string ns, string name, string spec)
    {
        var body = JsonNode.Parse($$"""{"apiVersion":"example.fluxsharp.dev/v1","kind":"Widget","metadata":{"name":"{{name}}"},"spec":{{spec}}}""")!;
        await _cluster.Client.CustomObjects.CreateNamespacedCustomObjectAsync(body, "example.fluxsharp.dev", "v1", ns, "widgets");
    }

    private Task<JsonObject> GetAsync(string ns, string name) =>
        new ResourceClient(_cluster.Client, WidgetClusterFixture.Widgets).GetAsync(ns, name, CancellationToken.None)!;

    private Task PatchAsync(string ns, string name, string patch) =>
        new ResourceClient(_cluster.Client, WidgetClusterFixture.Widgets).MergePatchAsync(ns, name, JsonNode.Parse(patch)!.AsObject(), status: false, "test", CancellationToken.None);

    private sealed class RecordingReconciler(IKubernetes kube) : IReconciler<Widget>
    {
        private readonly ConcurrentDictionary<string, int> _counts = new();

        public TimeSpan? Requeue { get; init; }

        public string? FailFor { get; init; }

        public int FailTimes { get; init; }

        public int Count(string name) => _counts.TryGetValue(name, out var n) ? n : 0;

        public async Task<ReconcileResult> ReconcileAsync(Widget obj, CancellationToken cancellationToken)
        {
            var n = _counts.AddOrUpdate(obj.Metadata.Name, 1, (_, c) => c + 1);
            if (obj.Metadata.Name == FailFor && n <= FailTimes)
            {
                throw new InvalidOperationException("simulated failure");
            }

            var client = new ResourceClient(kube, WidgetClusterFixture.Widgets);
            await client.MergePatchAsync(obj.Metadata.NamespaceProperty, obj.Metadata.Name, JsonNode.Parse($$$"""{"status":{"seen":{{{n}}}}}""")!.AsObject(), status: true, "recorder", cancellationToken);
            return new ReconcileResult(Requeue);
        }
    }
}
