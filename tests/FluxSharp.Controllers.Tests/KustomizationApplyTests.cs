using FluxSharp.Controllers.Tests.Infrastructure;
using FluxSharp.Testing;
using k8s;
using k8s.Models;
using static FluxSharp.Controllers.Tests.Infrastructure.KustomizeControllerFixture;

namespace FluxSharp.Controllers.Tests;

/// <summary>Kustomization end to end: first apply, following new revisions, drift correction, pruning.</summary>
public sealed class KustomizationApplyTests : IClassFixture<KustomizeControllerFixture>
{
    private readonly KustomizeControllerFixture _f;

    public KustomizationApplyTests(KustomizeControllerFixture f) => _f = f;

    [Fact]
    public async Task FirstApplyReportsRevisionInventoryLabelsAndFieldManager()
    {
        var ns = await _f.NewNamespaceAsync();
        var (src, _, sha) = await SourceWithAppAsync(ns);
        await _f.CreateAsync(NewKustomization(src, "app", "./app"));
        var ks = await _f.WaitReadyAsync(src, "app", $"main@sha1:{sha}");

        Assert.Equal($"Applied revision: main@sha1:{sha}", Ready(ks)!.Message);
        Assert.Equal("ReconciliationSucceeded", Ready(ks)!.Reason);
        Assert.Equal($"main@sha1:{sha}", ks.Status!.LastAttemptedRevision);
        var entries = ks.Status.Inventory!.Entries.Select(e => (e.Id, e.Version)).OrderBy(e => e.Id, StringComparer.Ordinal).ToList();
        Assert.Equal([($"{ns}_cm__ConfigMap", "v1"), ($"{ns}_web_apps_Deployment", "v1")], entries);

        var cm = (await _f.ConfigMapAsync(ns, "cm"))!;
        Assert.Equal("app", cm.Metadata.Labels["kustomize.toolkit.fluxcd.io/name"]);
        Assert.Equal(src, cm.Metadata.Labels["kustomize.toolkit.fluxcd.io/namespace"]);
        Assert.Contains(cm.Metadata.ManagedFields, m => m.Manager == "kustomize-controller" && m.Operation == "Apply");
        var deploy = await _f.Client.AppsV1.ReadNamespacedDeploymentAsync("web", ns);
        Assert.Equal("app", deploy.Metadata.Labels["kustomize.toolkit.fluxcd.io/name"]);
        Assert.Contains(deploy.Metadata.ManagedFields, m => m.Manager == "kustomize-controller" && m.Operation == "Apply");
    }

    [Fact]
    public async Task NewRevisionIsAppliedAfterTheSourceFetchesIt()
    {
        var ns = await _f.NewNamespaceAsync();
        var (src, git, sha) = await SourceWithAppAsync(ns);
        await _f.CreateAsync(NewKustomization(src, "app", "./app"));
        await _f.WaitReadyAsync(src, "app", $"main@sha1:{sha}");

        var sha2 = await _f.PushAsync(src, git, new Dictionary<string, string>
        {
            ["app/cm.yaml"] = ConfigMap("cm", "key: v2", ns),
            ["app/deploy.yaml"] = Deployment("web", ns, replicas: 3),
        });
        var ks = await _f.WaitReadyAsync(src, "app", $"main@sha1:{sha2}");
        Assert.Equal($"Applied revision: main@sha1:{sha2}", Ready(ks)!.Message);
        Assert.Equal("v2", (await _f.ConfigMapAsync(ns, "cm"))!.Data["key"]);
        Assert.Equal(3, (await _f.Client.AppsV1.ReadNamespacedDeploymentAsync("web", ns)).Spec.Replicas);
    }

    [Fact]
    public async Task DriftIsPutBackOnTheNextReconcile()
    {
        var ns = await _f.NewNamespaceAsync();
        var (src, _, sha) = await SourceWithAppAsync(ns);
        await _f.CreateAsync(NewKustomization(src, "app", "./app"));
        await _f.WaitReadyAsync(src, "app", $"main@sha1:{sha}");

        await _f.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"key":"tampered"}}""", V1Patch.PatchType.MergePatch), "cm", ns);
        await _f.Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"spec":{"replicas":5}}""", V1Patch.PatchType.MergePatch), "web", ns);
        Assert.Equal("tampered", (await _f.ConfigMapAsync(ns, "cm"))!.Data["key"]);

        var ks = await _f.ReconcileAsync(src, "app");
        Assert.Equal("True", Ready(ks)!.Status);
        Assert.Equal("v1", (await _f.ConfigMapAsync(ns, "cm"))!.Data["key"]);
        Assert.Equal(1, (await _f.Client.AppsV1.ReadNamespacedDeploymentAsync("web", ns)).Spec.Replicas);
    }

    [Fact]
    public async Task RemovedManifestIsPrunedUnlessPruneDisabled()
    {
        var ns = await _f.NewNamespaceAsync();
        var (src, git, sha) = await _f.SourceAsync(new Dictionary<string, string>
        {
            ["app/a.yaml"] = ConfigMap("a", "k: a", ns),
            ["app/b.yaml"] = ConfigMap("b", "k: b", ns),
            ["app/keep.yaml"] = ConfigMap("keep", "k: keep", ns, "  annotations:\n    kustomize.toolkit.fluxcd.io/prune: disabled\n"),
        });
        await _f.CreateAsync(NewKustomization(src, "app", "./app"));
        await _f.WaitReadyAsync(src, "app", $"main@sha1:{sha}");
        Assert.NotNull(await _f.ConfigMapAsync(ns, "b"));
        Assert.NotNull(await _f.ConfigMapAsync(ns, "keep"));

        var sha2 = await _f.PushAsync(src, git, null, "app/b.yaml", "app/keep.yaml");
        var ks = await _f.WaitReadyAsync(src, "app", $"main@sha1:{sha2}");
        Assert.Null(await _f.ConfigMapAsync(ns, "b"));
        Assert.NotNull(await _f.ConfigMapAsync(ns, "keep"));
        Assert.NotNull(await _f.ConfigMapAsync(ns, "a"));
        Assert.Equal([$"{ns}_a__ConfigMap"], ks.Status!.Inventory!.Entries.Select(e => e.Id));
    }

    private Task<(string Ns, FluxSharp.Testing.Git.GitRepositoryBuilder Git, string Sha)> SourceWithAppAsync(string ns) =>
        _f.SourceAsync(new Dictionary<string, string>
        {
            ["app/cm.yaml"] = ConfigMap("cm", "key: v1", ns),
            ["app/deploy.yaml"] = Deployment("web", ns),
        });
}
