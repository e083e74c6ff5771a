using System.Text.Json.Nodes;
using FluxSharp.Controllers.Kustomize;
using FluxSharp.Kubernetes.Apply;
using FluxSharp.Kubernetes.Client;
using FluxSharp.Testing;

namespace FluxSharp.Controllers.Tests.Kustomize;

/// <summary>Prune with kustomize-controller's options: owner labels, the stale part of the inventory, prune: disabled.</summary>
public sealed class KustomizePruneTests : IClassFixture<ClusterFixture>
{
    private static readonly ApplyOptions Options = KustomizeApplyOptions.Apply(force: false) with { WaitTimeout = TimeSpan.FromSeconds(20), WaitInterval = TimeSpan.FromMilliseconds(100) };
    private readonly ClusterFixture _cluster;
    private readonly ResourceApplier _applier;
    private readonly KubeClient _rest;

    public KustomizePruneTests(ClusterFixture cluster)
    {
        _cluster = cluster;
        _rest = new KubeClient(cluster.Client);
        _applier = new ResourceApplier(_rest);
    }

    [Fact]
    public async Task PruneDeletesStaleObjectsWeOwnAndKeepsDisabledAndForeignOnes()
    {
        var ns = await _cluster.NewNamespaceAsync();
        var objects = new[]
        {
            ConfigMap(ns, "stale", "{}"),
            ConfigMap(ns, "keep-me", "{}", annotations: """{"kustomize.toolkit.fluxcd.io/prune":"disabled"}"""),
            ConfigMap(ns, "current", "{}"),
        };
        OwnerLabels.Set(objects, "apps", "flux-system");
        var foreign = ConfigMap(ns, "foreign", "{}");
        await _applier.ApplyAllStagedAsync([.. objects, foreign], Options, CancellationToken.None);

        var old = Inventory.FromObjects([.. objects, foreign]);
        var current = Inventory.FromObjects([objects[2]]);
        var stale = Inventory.Stale(old, current);
        Assert.Equal(3, stale.Count);
        stale = [.. stale, InventoryEntry.From("v1", "ConfigMap", ns, "already-gone")];

        var changes = await _applier.DeleteAllAsync(stale, KustomizeApplyOptions.Prune("apps", "flux-system"), CancellationToken.None);
        Assert.Equal(ChangeAction.Deleted, changes.ActionFor($"ConfigMap/{ns}/stale"));
        Assert.Equal(ChangeAction.Skipped, changes.ActionFor($"ConfigMap/{ns}/keep-me"));
        Assert.Equal(ChangeAction.Skipped, changes.ActionFor($"ConfigMap/{ns}/foreign"));
        Assert.Equal(ChangeAction.Deleted, changes.ActionFor($"ConfigMap/{ns}/already-gone"));
        Assert.Null(await _rest.GetAsync($"/api/v1/namespaces/{ns}/configmaps/stale", CancellationToken.None));
        Assert.NotNull(await _rest.GetAsync($"/api/v1/namespaces/{ns}/configmaps/keep-me", CancellationToken.None));
        Assert.NotNull(await _rest.GetAsync($"/api/v1/namespaces/{ns}/configmaps/foreign", CancellationToken.None));
        Assert.NotNull(await _rest.GetAsync($"/api/v1/namespaces/{ns}/configmaps/current", CancellationToken.None));
    }

    private static JsonObject ConfigMap(string ns, string name, string data, string annotations = "{}") =>
        JsonNode.Parse($$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{name}}","namespace":"{{ns}}","annotations":{{annotations}}},"data":{{data}}}""")!.AsObject();
}
