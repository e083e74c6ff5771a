using k8s;
using k8s.Models;

namespace FluxSharp.LocalCluster.Tests.Client;

/// <summary>Garbage collection through ownerReferences, finalizers, and list paging.</summary>
public sealed class LifecycleTests(ClientFixture fx) : IClassFixture<ClientFixture>
{
    private Kubernetes Client => fx.Client;

    private async Task<(V1ConfigMap Owner, List<string> Dependents)> OwnerWithDependentsAsync(string ns, int count = 2, string? dependentFinalizer = null)
    {
        var owner = await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "owner" } }, ns);
        var names = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var name = $"dep-{i}";
            await Client.CoreV1.CreateNamespacedConfigMapAsync(
                new V1ConfigMap
                {
                    Metadata = new V1ObjectMeta
                    {
                        Name = name,
                        Finalizers = i == 0 && dependentFinalizer is not null ? [dependentFinalizer] : null,
                        OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = "owner", Uid = owner.Metadata.Uid, BlockOwnerDeletion = true }],
                    },
                },
                ns);
            names.Add(name);
        }

        return (owner, names);
    }

    [Fact]
    public async Task Background_deletion_removes_the_owner_then_its_dependents()
    {
        var ns = await fx.NewClientNamespaceAsync();
        var (_, dependents) = await OwnerWithDependentsAsync(ns);
        await Client.CoreV1.DeleteNamespacedConfigMapAsync("owner", ns, propagationPolicy: "Background");
        await Eventually.GoneAsync(() => Client.CoreV1.ReadNamespacedConfigMapAsync("owner", ns), "owner deleted");
        foreach (var d in dependents)
        {
            await Eventually.GoneAsync(() => Client.CoreV1.ReadNamespacedConfigMapAsync(d, ns), $"{d} collected");
        }
    }

    [Fact]
    public async Task Foreground_deletion_keeps_the_owner_until_dependents_are_gone()
    {
        var ns = await fx.NewClientNamespaceAsync();
        var (_, dependents) = await OwnerWithDependentsAsync(ns, dependentFinalizer: "example.com/hold");
        await Client.CoreV1.DeleteNamespacedConfigMapAsync("owner", ns, body: new V1DeleteOptions { PropagationPolicy = "Foreground" });

        var owner = await Client.CoreV1.ReadNamespacedConfigMapAsync("owner", ns);
        Assert.NotNull(owner.Metadata.DeletionTimestamp);
        Assert.Contains("foregroundDeletion", owner.Metadata.Finalizers);

        // The dependent without a finalizer goes; the one with a finalizer is being deleted and holds the owner.
        await Eventually.GoneAsync(() => Client.CoreV1.ReadNamespacedConfigMapAsync(dependents[1], ns), "free dependent collected");
        var held = await Eventually.GetAsync(
            async () =>
            {
                var d = await Client.CoreV1.ReadNamespacedConfigMapAsync(dependents[0], ns);
                return d.Metadata.DeletionTimestamp is null ? null : d;
            },
            "held dependent marked for deletion");
        Assert.Contains("example.com/hold", held.Metadata.Finalizers);
        await fx.Plane.WaitForControllersIdleAsync();
        owner = await Client.CoreV1.ReadNamespacedConfigMapAsync("owner", ns);
        Assert.Contains("foregroundDeletion", owner.Metadata.Finalizers);

        await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"metadata\":{\"finalizers\":null}}", V1Patch.PatchType.MergePatch), dependents[0], ns);
        await Eventually.GoneAsync(() => Client.CoreV1.ReadNamespacedConfigMapAsync(dependents[0], ns), "held dependent deleted");
        await Eventually.GoneAsync(() => Client.CoreV1.ReadNamespacedConfigMapAsync("owner", ns), "owner deleted after its dependents");
    }

    [Fact]
    public async Task Orphan_deletion_keeps_dependents_and_drops_their_owner_references()
    {
        var ns = await fx.NewClientNamespaceAsync();
        var (_, dependents) = await OwnerWithDependentsAsync(ns);
        await Client.CoreV1.DeleteNamespacedConfigMapAsync("owner", ns, propagationPolicy: "Orphan");
        await Eventually.GoneAsync(() => Client.CoreV1.ReadNamespacedConfigMapAsync("owner", ns), "owner deleted");
        await fx.Plane.WaitForControllersIdleAsync();
        foreach (var d in dependents)
        {
            var dep = await Client.CoreV1.ReadNamespacedConfigMapAsync(d, ns);
            Assert.Null(dep.Metadata.DeletionTimestamp);
            Assert.True(dep.Metadata.OwnerReferences is null || dep.Metadata.OwnerReferences.Count == 0);
        }
    }

    [Fact]
    public async Task Deleting_a_deployment_collects_dependents_of_another_kind()
    {
        var ns = await fx.NewClientNamespaceAsync();
        var d = await Client.AppsV1.CreateNamespacedDeploymentAsync(Workloads.Deployment("gc"), ns);
        await Client.AppsV1.CreateNamespacedReplicaSetAsync(
            new V1ReplicaSet
            {
                Metadata = new V1ObjectMeta
                {
                    Name = "gc-rs",
                    OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "gc", Uid = d.Metadata.Uid, Controller = true, BlockOwnerDeletion = true }],
                },
                Spec = new V1ReplicaSetSpec { Selector = d.Spec.Selector, Template = d.Spec.Template, Replicas = 1 },
            },
            ns);
        await Client.AppsV1.DeleteNamespacedDeploymentAsync("gc", ns);
        await Eventually.GoneAsync(() => Client.AppsV1.ReadNamespacedReplicaSetAsync("gc-rs", ns), "replicaset collected");
    }

    [Fact]
    public async Task Dependents_of_an_owner_that_never_existed_are_collected()
    {
        var ns = await fx.NewClientNamespaceAsync();
        await Client.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "dangling", OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = "ghost", Uid = Guid.NewGuid().ToString() }] } },
            ns);
        await Eventually.GoneAsync(() => Client.CoreV1.ReadNamespacedConfigMapAsync("dangling", ns), "dangling dependent collected");
    }

    [Fact]
    public async Task Finalizers_hold_a_deleted_object_until_removed()
    {
        var ns = await fx.NewClientNamespaceAsync();
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "fin", Finalizers = ["example.com/a", "example.com/b"] } }, ns);
        var deleting = await Client.CoreV1.DeleteNamespacedConfigMapWithHttpMessagesAsync("fin", ns);
        Assert.Equal(System.Net.HttpStatusCode.OK, deleting.Response.StatusCode);

        var live = await Client.CoreV1.ReadNamespacedConfigMapAsync("fin", ns);
        Assert.NotNull(live.Metadata.DeletionTimestamp);
        Assert.Equal(["example.com/a", "example.com/b"], live.Metadata.Finalizers);

        // A second delete changes nothing.
        await Client.CoreV1.DeleteNamespacedConfigMapAsync("fin", ns);
        Assert.Equal(live.Metadata.ResourceVersion, (await Client.CoreV1.ReadNamespacedConfigMapAsync("fin", ns)).Metadata.ResourceVersion);

        live.Metadata.Finalizers = ["example.com/b"];
        await Client.CoreV1.ReplaceNamespacedConfigMapAsync(live, "fin", ns);
        Assert.Equal(["example.com/b"], (await Client.CoreV1.ReadNamespacedConfigMapAsync("fin", ns)).Metadata.Finalizers);

        await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]", V1Patch.PatchType.JsonPatch), "fin", ns);
        await Eventually.GoneAsync(() => Client.CoreV1.ReadNamespacedConfigMapAsync("fin", ns), "object deleted once its finalizers are gone");
    }

    [Fact]
    public async Task Adding_a_finalizer_to_an_object_being_deleted_is_forbidden()
    {
        var ns = await fx.NewClientNamespaceAsync();
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "fin2", Finalizers = ["example.com/a"] } }, ns);
        await Client.CoreV1.DeleteNamespacedConfigMapAsync("fin2", ns);
        var (code, status) = await ApiError.CatchAsync(() => Client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("{\"metadata\":{\"finalizers\":[\"example.com/a\",\"example.com/new\"]}}", V1Patch.PatchType.MergePatch), "fin2", ns));
        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, code);
        Assert.Contains(status.Details!.Causes, c => c.Field == "metadata.finalizers");
    }

    [Fact]
    public async Task Paging_with_limit_and_continue_returns_every_item_once()
    {
        var ns = await fx.NewClientNamespaceAsync();
        const int total = 53;
        for (var i = 0; i < total; i++)
        {
            await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = $"p-{i:D3}", Labels = new Dictionary<string, string> { ["even"] = (i % 2 == 0).ToString().ToLowerInvariant() } } }, ns);
        }

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Client.CoreV1.ListNamespacedConfigMapAsync(ns, limit: 10, continueParameter: token);
            Assert.True(page.Items.Count <= 10);
            seen.AddRange(page.Items.Select(c => c.Metadata.Name));
            token = page.Metadata.ContinueProperty;
            if (token is not null)
            {
                Assert.Equal(total - seen.Count, page.Metadata.RemainingItemCount);
            }

            pages++;

            // Writes between pages do not make items repeat or vanish.
            if (pages == 2)
            {
                await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"data\":{\"x\":\"y\"}}", V1Patch.PatchType.MergePatch), "p-000", ns);
            }
        }
        while (!string.IsNullOrEmpty(token));

        Assert.Equal(6, pages);
        Assert.Equal(total, seen.Count);
        Assert.Equal(total, seen.Distinct(StringComparer.Ordinal).Count());

        var evens = new List<string>();
        token = null;
        do
        {
            var page = await Client.CoreV1.ListNamespacedConfigMapAsync(ns, limit: 7, continueParameter: token, labelSelector: "even=true");
            evens.AddRange(page.Items.Select(c => c.Metadata.Name));
            token = page.Metadata.ContinueProperty;
        }
        while (!string.IsNullOrEmpty(token));

        Assert.Equal(27, evens.Count);
        Assert.Equal(27, evens.Distinct(StringComparer.Ordinal).Count());
    }
}
