using System.Text.Json.Nodes;
using FluxSharp.Kubernetes.Apply;
using FluxSharp.Kubernetes.Client;
using FluxSharp.Kubernetes.Health;
using FluxSharp.Kubernetes.Tests.Apply;
using FluxSharp.Testing;

namespace FluxSharp.Kubernetes.Tests.Health;

/// <summary>Waiting for health against the local control plane's workload simulator.</summary>
public sealed class HealthCheckerTests : IClassFixture<ClusterFixture>
{
    private static readonly ApplyOptions Options = new() { WaitTimeout = TimeSpan.FromSeconds(20), WaitInterval = TimeSpan.FromMilliseconds(100) };
    private readonly ClusterFixture _cluster;
    private readonly ResourceApplier _applier;

    public HealthCheckerTests(ClusterFixture cluster)
    {
        _cluster = cluster;
        _applier = new ResourceApplier(cluster.Client);
    }

    [Fact]
    public async Task HealthyWorkloadsBecomeCurrent()
    {
        var ns = await _cluster.NewNamespaceAsync();
        var changes = await _applier.ApplyAllStagedAsync(
            [ResourceApplierTests.Deployment(ns, "web", 2, "nginx:1"), ResourceApplierTests.Job(ns, "once", "busybox:1"), ResourceApplierTests.ConfigMap(ns, "cfg", "{}")],
            Options,
            CancellationToken.None);
        var result = await _applier.Health.WaitAsync(changes.Entries.Select(e => e.Entry).ToList(), TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(100), CancellationToken.None);
        Assert.True(result.Healthy, result.Message);
        Assert.Equal(string.Empty, result.Message);
    }

    [Fact]
    public async Task AFailingDeploymentStopsTheWaitEarlyAndIsNamed()
    {
        var ns = await _cluster.NewNamespaceAsync();
        var changes = await _applier.ApplyAllStagedAsync(
            [ResourceApplierTests.Deployment(ns, "good", 1, "nginx:1", app: "good"), ResourceApplierTests.Deployment(ns, "bad", 1, "nginx:1", app: "bad", annotations: """{"local.fluxsharp.dev/simulate":"fail"}""")],
            Options,
            CancellationToken.None);
        var started = DateTimeOffset.UtcNow;
        var result = await _applier.Health.WaitAsync(changes.Entries.Select(e => e.Entry).ToList(), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100), CancellationToken.None);
        Assert.False(result.Healthy);
        Assert.False(result.TimedOut);
        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(15));
        Assert.StartsWith($"failed early due to stalled resources: [Deployment/{ns}/bad status: 'Failed': Progress deadline exceeded", result.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("good", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailedJobIsReported()
    {
        var ns = await _cluster.NewNamespaceAsync();
        _cluster.Plane.Simulator.SetFailing("Job", ns, "broken");
        var changes = await _applier.ApplyAllStagedAsync([ResourceApplierTests.Job(ns, "broken", "busybox:1")], Options, CancellationToken.None);
        var result = await _applier.Health.WaitAsync(changes.Entries.Select(e => e.Entry).ToList(), TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(100), CancellationToken.None);
        Assert.False(result.Healthy);
        var failed = Assert.Single(result.NotReady);
        Assert.Equal(ObjectStatus.Failed, failed.Result.Status);
        Assert.Contains($"Job/{ns}/broken status: 'Failed': Job Failed.", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TimeoutListsWhatIsNotReadyIncludingMissingObjects()
    {
        var ns = await _cluster.NewNamespaceAsync();
        var missing = InventoryEntry.From("apps/v1", "Deployment", ns, "never-created");
        var result = await _applier.Health.WaitAsync([missing], TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(100), CancellationToken.None);
        Assert.False(result.Healthy);
        Assert.True(result.TimedOut);
        Assert.Equal($"timeout waiting for: [Deployment/{ns}/never-created status: 'NotFound': Resource not found]", result.Message);
    }

    [Fact]
    public async Task ACustomEvaluatorOverridesKstatusForTheKindsItCovers()
    {
        var ns = await _cluster.NewNamespaceAsync();
        var changes = await _applier.ApplyAllStagedAsync([ResourceApplierTests.ConfigMap(ns, "flag", """{"ready":"no"}""")], Options, CancellationToken.None);
        var checker = new HealthChecker(_cluster.Client) { Custom = new ConfigMapFlag() };
        var entries = changes.Entries.Select(e => e.Entry).ToList();
        var notYet = await checker.WaitAsync(entries, TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(100), CancellationToken.None);
        Assert.True(notYet.TimedOut);
        Assert.Equal($"timeout waiting for: [ConfigMap/{ns}/flag status: 'InProgress': ready is no]", notYet.Message);

        await _applier.ApplyAsync(ResourceApplierTests.ConfigMap(ns, "flag", """{"ready":"yes"}"""), Options, CancellationToken.None);
        Assert.True((await checker.WaitAsync(entries, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100), CancellationToken.None)).Healthy);

        await _applier.ApplyAsync(ResourceApplierTests.ConfigMap(ns, "flag", """{"ready":"broken"}"""), Options, CancellationToken.None);
        var failed = await checker.WaitAsync(entries, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100), CancellationToken.None);
        Assert.False(failed.Healthy);
        Assert.False(failed.TimedOut);

        // Kinds it does not cover keep kstatus: a Deployment that never existed is NotFound, not the evaluator's.
        var deployment = await checker.CheckAsync(InventoryEntry.From("apps/v1", "Deployment", ns, "none"), CancellationToken.None);
        Assert.Equal(ObjectStatus.NotFound, deployment.Status);
    }

    /// <summary>A ConfigMap is Current when data.ready is "yes", Failed when "broken"; other kinds are left to kstatus.</summary>
    private sealed class ConfigMapFlag : IHealthEvaluator
    {
        public HealthResult? Evaluate(JsonObject obj) => (string?)obj["kind"] != "ConfigMap"
            ? null
            : (string?)obj["data"]?["ready"] switch
            {
                "yes" => new(ObjectStatus.Current, "ready"),
                "broken" => new(ObjectStatus.Failed, "broken"),
                var other => new(ObjectStatus.InProgress, $"ready is {other}"),
            };
    }
}
