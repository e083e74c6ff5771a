using System.Net;
using k8s;
using k8s.Models;

namespace FluxSharp.LocalCluster.Tests.Client;

/// <summary>No workload simulator here: these tests write Deployment status themselves.</summary>
public sealed class NoSimulatorFixture : ClientFixture
{
    protected override LocalControlPlaneOptions Options => new() { SimulateWorkloads = false };
}

public sealed class ConcurrencyTests(NoSimulatorFixture fx) : IClassFixture<NoSimulatorFixture>
{
    private Kubernetes Client => fx.Client;

    [Fact]
    public async Task Replace_with_stale_resource_version_is_a_409_conflict()
    {
        var ns = await fx.NewClientNamespaceAsync();
        var first = await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cm" }, Data = new Dictionary<string, string> { ["v"] = "1" } }, ns);
        var stale = await Client.CoreV1.ReadNamespacedConfigMapAsync("cm", ns);
        first.Data["v"] = "2";
        await Client.CoreV1.ReplaceNamespacedConfigMapAsync(first, "cm", ns);

        stale.Data["v"] = "3";
        var (code, status) = await ApiError.CatchAsync(() => Client.CoreV1.ReplaceNamespacedConfigMapAsync(stale, "cm", ns));
        Assert.Equal(HttpStatusCode.Conflict, code);
        Assert.Equal("Conflict", status.Reason);
        Assert.Equal("cm", status.Details?.Name);
        Assert.Equal("configmaps", status.Details?.Kind);
        Assert.Contains("the object has been modified", status.Message, StringComparison.Ordinal);
        Assert.Equal("2", (await Client.CoreV1.ReadNamespacedConfigMapAsync("cm", ns)).Data["v"]);
    }

    [Fact]
    public async Task Patch_with_stale_resource_version_precondition_conflicts()
    {
        var ns = await fx.NewClientNamespaceAsync();
        var created = await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cm" } }, ns);
        await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"data\":{\"a\":\"1\"}}", V1Patch.PatchType.MergePatch), "cm", ns);
        var (code, status) = await ApiError.CatchAsync(() => Client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch($"{{\"metadata\":{{\"resourceVersion\":\"{created.Metadata.ResourceVersion}\"}},\"data\":{{\"a\":\"2\"}}}}", V1Patch.PatchType.MergePatch), "cm", ns));
        Assert.Equal(HttpStatusCode.Conflict, code);
        Assert.Equal("Conflict", status.Reason);
        var stored = await Client.CoreV1.ReadNamespacedConfigMapAsync("cm", ns);
        Assert.Equal("1", stored.Data["a"]);
    }

    [Fact]
    public async Task Concurrent_replaces_from_one_read_leave_exactly_one_winner_stored()
    {
        var ns = await fx.NewClientNamespaceAsync();
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cm" }, Data = new Dictionary<string, string> { ["writer"] = "none" } }, ns);
        var read = await Client.CoreV1.ReadNamespacedConfigMapAsync("cm", ns);

        var writers = Enumerable.Range(0, 8).Select(async i =>
        {
            var mine = new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cm", ResourceVersion = read.Metadata.ResourceVersion }, Data = new Dictionary<string, string> { ["writer"] = $"w{i}" } };
            try
            {
                var written = await Client.CoreV1.ReplaceNamespacedConfigMapAsync(mine, "cm", ns);
                return (Writer: $"w{i}", Written: written, Conflict: false);
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
            {
                return (Writer: $"w{i}", Written: (V1ConfigMap?)null, Conflict: true);
            }
        });
        var results = await Task.WhenAll(writers);

        var winner = Assert.Single(results, r => !r.Conflict);
        Assert.Equal(7, results.Count(r => r.Conflict));
        var stored = await Client.CoreV1.ReadNamespacedConfigMapAsync("cm", ns);
        Assert.Equal(winner.Writer, stored.Data["writer"]);
        Assert.Equal(winner.Written!.Metadata.ResourceVersion, stored.Metadata.ResourceVersion);
        Assert.NotEqual(read.Metadata.ResourceVersion, stored.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Generation_bumps_on_spec_changes_only()
    {
        var ns = await fx.NewClientNamespaceAsync();
        var d = await Client.AppsV1.CreateNamespacedDeploymentAsync(Workloads.Deployment("gen"), ns);
        Assert.Equal(1, d.Metadata.Generation);

        var labelled = await Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("{\"metadata\":{\"labels\":{\"extra\":\"yes\"},\"annotations\":{\"note\":\"x\"}}}", V1Patch.PatchType.MergePatch), "gen", ns);
        Assert.Equal(1, labelled.Metadata.Generation);
        Assert.NotEqual(d.Metadata.ResourceVersion, labelled.Metadata.ResourceVersion);

        var status = await Client.AppsV1.PatchNamespacedDeploymentStatusAsync(new V1Patch("{\"status\":{\"conditions\":[{\"type\":\"Custom\",\"status\":\"True\"}]}}", V1Patch.PatchType.MergePatch), "gen", ns);
        Assert.Equal(1, status.Metadata.Generation);

        var spec = await Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("{\"spec\":{\"replicas\":4}}", V1Patch.PatchType.MergePatch), "gen", ns);
        Assert.Equal(2, spec.Metadata.Generation);

        // A no-op spec write does not bump it either.
        var same = await Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("{\"spec\":{\"replicas\":4}}", V1Patch.PatchType.MergePatch), "gen", ns);
        Assert.Equal(2, same.Metadata.Generation);

        var stored = await Client.AppsV1.ReadNamespacedDeploymentAsync("gen", ns);
        Assert.Equal(2, stored.Metadata.Generation);
        Assert.Equal(4, stored.Spec.Replicas);
        Assert.Equal("yes", stored.Metadata.Labels["extra"]);
        Assert.Contains(stored.Status.Conditions, c => c.Type == "Custom" && c.Status == "True");
    }

    [Fact]
    public async Task Status_subresource_writes_only_status_and_main_writes_ignore_status()
    {
        var ns = await fx.NewClientNamespaceAsync();
        var sim = Workloads.Deployment("split", replicas: 2);
        await Client.AppsV1.CreateNamespacedDeploymentAsync(sim, ns);

        var live = await Client.AppsV1.ReadNamespacedDeploymentAsync("split", ns);
        live.Spec.Replicas = 9;
        live.Status = new V1DeploymentStatus { Replicas = 7, ObservedGeneration = 42 };
        var afterStatus = await Client.AppsV1.ReplaceNamespacedDeploymentStatusAsync(live, "split", ns);
        Assert.Equal(2, afterStatus.Spec.Replicas);
        Assert.Equal(7, afterStatus.Status.Replicas);
        Assert.Equal(1, afterStatus.Metadata.Generation);

        afterStatus.Spec.Replicas = 5;
        afterStatus.Status.Replicas = 1;
        var afterMain = await Client.AppsV1.ReplaceNamespacedDeploymentAsync(afterStatus, "split", ns);
        Assert.Equal(5, afterMain.Spec.Replicas);
        Assert.Equal(7, afterMain.Status.Replicas);
        Assert.Equal(2, afterMain.Metadata.Generation);

        var stored = await Client.AppsV1.ReadNamespacedDeploymentAsync("split", ns);
        Assert.Equal(5, stored.Spec.Replicas);
        Assert.Equal(7, stored.Status.Replicas);
        Assert.Equal(42, stored.Status.ObservedGeneration);
        Assert.Equal(2, stored.Metadata.Generation);
    }

    [Fact]
    public async Task Create_ignores_status_on_resources_with_a_status_subresource()
    {
        var ns = await fx.NewClientNamespaceAsync();
        var d = Workloads.Deployment("withstatus");
        d.Status = new V1DeploymentStatus { Replicas = 99 };
        var created = await Client.AppsV1.CreateNamespacedDeploymentAsync(d, ns);
        Assert.NotEqual(99, created.Status?.Replicas);
        var stored = await Client.AppsV1.ReadNamespacedDeploymentAsync("withstatus", ns);
        Assert.NotEqual(99, stored.Status?.Replicas);
    }
}
