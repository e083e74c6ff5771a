using System.Net;
using k8s;
using k8s.Models;

namespace FluxSharp.LocalCluster.Tests.Client;

public sealed class ServerSideApplyClientTests(ClientFixture fx) : IClassFixture<ClientFixture>
{
    private Kubernetes Client => fx.Client;

    private static V1Patch Apply(string ns, Dictionary<string, string> data) =>
        new(new V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new V1ObjectMeta { Name = "shared", NamespaceProperty = ns }, Data = data }, V1Patch.PatchType.ApplyPatch);

    [Fact]
    public async Task Two_managers_conflict_on_a_shared_field_until_one_forces()
    {
        var ns = await fx.NewClientNamespaceAsync();
        await Client.CoreV1.PatchNamespacedConfigMapAsync(Apply(ns, new() { ["a"] = "1", ["mine"] = "x" }), "shared", ns, fieldManager: "alice");
        var both = await Client.CoreV1.PatchNamespacedConfigMapAsync(Apply(ns, new() { ["b"] = "2" }), "shared", ns, fieldManager: "bob");
        Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["mine"] = "x", ["b"] = "2" }, both.Data);
        Assert.Equal(["alice", "bob"], both.Metadata.ManagedFields.Select(m => m.Manager).Order(StringComparer.Ordinal));

        var (code, status) = await ApiError.CatchAsync(() => Client.CoreV1.PatchNamespacedConfigMapAsync(Apply(ns, new() { ["a"] = "changed", ["b"] = "2" }), "shared", ns, fieldManager: "bob"));
        Assert.Equal(HttpStatusCode.Conflict, code);
        Assert.Equal("Conflict", status.Reason);
        var cause = Assert.Single(status.Details!.Causes);
        Assert.Equal("FieldManagerConflict", cause.Reason);
        Assert.Equal(".data.a", cause.Field);
        Assert.Contains("alice", cause.Message, StringComparison.Ordinal);

        // Applying the same value is not a conflict: both become owners.
        var shared = await Client.CoreV1.PatchNamespacedConfigMapAsync(Apply(ns, new() { ["a"] = "1", ["b"] = "2" }), "shared", ns, fieldManager: "bob");
        Assert.Equal("1", shared.Data["a"]);

        var forced = await Client.CoreV1.PatchNamespacedConfigMapAsync(Apply(ns, new() { ["a"] = "forced", ["b"] = "2" }), "shared", ns, fieldManager: "bob", force: true);
        Assert.Equal("forced", forced.Data["a"]);

        // alice lost data.a; when she stops applying her fields, only the ones she still owns go.
        var aliceAgain = await Client.CoreV1.PatchNamespacedConfigMapAsync(Apply(ns, []), "shared", ns, fieldManager: "alice");
        Assert.Equal(new Dictionary<string, string> { ["a"] = "forced", ["b"] = "2" }, aliceAgain.Data);
    }

    [Fact]
    public async Task Apply_of_a_deployment_is_idempotent_and_tracks_updates_from_other_writers()
    {
        var ns = await fx.NewClientNamespaceAsync();
        var deployment = Workloads.Deployment("ssa", replicas: 2);
        deployment.Metadata.NamespaceProperty = ns;
        var first = await Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(deployment, V1Patch.PatchType.ApplyPatch), "ssa", ns, fieldManager: "flux", force: true);
        var again = await Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(deployment, V1Patch.PatchType.ApplyPatch), "ssa", ns, fieldManager: "flux", force: true);
        Assert.Equal(1, again.Metadata.Generation);
        Assert.Single(again.Spec.Template.Spec.Containers[0].Ports);

        // An Update by someone else (scale via merge patch) takes ownership of replicas.
        await Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("{\"spec\":{\"replicas\":5}}", V1Patch.PatchType.MergePatch), "ssa", ns, fieldManager: "hpa");
        var live = await Client.AppsV1.ReadNamespacedDeploymentAsync("ssa", ns);
        Assert.Contains(live.Metadata.ManagedFields, m => m.Manager == "hpa" && m.Operation == "Update");

        var (code, status) = await ApiError.CatchAsync(() => Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(deployment, V1Patch.PatchType.ApplyPatch), "ssa", ns, fieldManager: "flux"));
        Assert.Equal(HttpStatusCode.Conflict, code);
        Assert.Contains(status.Details!.Causes, c => c.Field == ".spec.replicas");

        // Dropping replicas from the applied config leaves the other writer's value alone.
        deployment.Spec.Replicas = null;
        var released = await Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(deployment, V1Patch.PatchType.ApplyPatch), "ssa", ns, fieldManager: "flux");
        Assert.Equal(5, released.Spec.Replicas);
    }
}
