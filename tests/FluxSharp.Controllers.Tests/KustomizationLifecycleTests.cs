using FluxSharp.Api;
using FluxSharp.Api.Kustomize.V1;
using FluxSharp.Controllers.Tests.Infrastructure;
using FluxSharp.Testing;
using k8s;
using static FluxSharp.Controllers.Tests.Infrastructure.KustomizeControllerFixture;

namespace FluxSharp.Controllers.Tests;

/// <summary>Kustomization end to end through time: dependsOn ordering, suspend and resume, deletion with and without pruning.</summary>
public sealed class KustomizationLifecycleTests : IClassFixture<KustomizeControllerFixture>
{
    private readonly KustomizeControllerFixture _f;

    public KustomizationLifecycleTests(KustomizeControllerFixture f) => _f = f;

    [Fact]
    public async Task DependentWaitsUntilItsDependencyIsReady()
    {
        var ns = await _f.NewNamespaceAsync();
        var (src, _, sha) = await _f.SourceAsync(new Dictionary<string, string>
        {
            ["infra/db.yaml"] = Deployment("db", ns),
            ["app/cm.yaml"] = ConfigMap("app", "k: v", ns),
        });
        _f.Plane.Simulator.SetFailing("Deployment", ns, "db");
        var a = NewKustomization(src, "infra", "./infra");
        await _f.CreateAsync(a with { Spec = a.Spec with { Wait = true, Timeout = "3s" } });
        var b = NewKustomization(src, "app", "./app");
        await _f.CreateAsync(b with { Spec = b.Spec with { DependsOn = [new DependencyReference { Name = "infra" }] } });

        await _f.WaitNotReadyAsync(src, "infra", "HealthCheckFailed");
        var waiting = await _f.WaitNotReadyAsync(src, "app", "DependencyNotReady");
        Assert.Contains("infra", Ready(waiting)!.Message, StringComparison.Ordinal);
        Assert.Null(await _f.ConfigMapAsync(ns, "app"));

        // Once more after the dependency was seen failing: still waiting.
        await _f.ReconcileAsync(src, "app");
        Assert.Equal("DependencyNotReady", Ready((await _f.GetAsync(src, "app"))!)!.Reason);
        Assert.Null(await _f.ConfigMapAsync(ns, "app"));

        _f.Plane.Simulator.SetFailing("Deployment", ns, "db", failing: false);
        await _f.WaitReadyAsync(src, "infra", $"main@sha1:{sha}");
        await _f.WaitReadyAsync(src, "app", $"main@sha1:{sha}");
        Assert.NotNull(await _f.ConfigMapAsync(ns, "app"));
    }

    [Fact]
    public async Task SuspendedKustomizationIgnoresNewRevisionsUntilResumed()
    {
        var ns = await _f.NewNamespaceAsync();
        var (src, git, sha) = await _f.SourceAsync(new Dictionary<string, string> { ["app/cm.yaml"] = ConfigMap("cm", "k: v1", ns) });
        await _f.CreateAsync(NewKustomization(src, "app", "./app"));
        await _f.WaitReadyAsync(src, "app", $"main@sha1:{sha}");

        await _f.PatchAsync(src, "app", """{"spec":{"suspend":true}}""");
        await _f.ReconcileOnceAsync(src, "app");
        var sha2 = await _f.PushAsync(src, git, new Dictionary<string, string> { ["app/cm.yaml"] = ConfigMap("cm", "k: v2", ns) });
        await _f.ReconcileOnceAsync(src, "app");
        var suspended = (await _f.GetAsync(src, "app"))!;
        Assert.Equal($"main@sha1:{sha}", suspended.Status!.LastAppliedRevision);
        Assert.Equal("v1", (await _f.ConfigMapAsync(ns, "cm"))!.Data["k"]);

        await _f.PatchAsync(src, "app", """{"spec":{"suspend":false}}""");
        await _f.WaitReadyAsync(src, "app", $"main@sha1:{sha2}");
        Assert.Equal("v2", (await _f.ConfigMapAsync(ns, "cm"))!.Data["k"]);
    }

    [Fact]
    public async Task DeletingPrunesItsObjectsByDefault()
    {
        var ns = await _f.NewNamespaceAsync();
        var (src, _, sha) = await _f.SourceAsync(new Dictionary<string, string>
        {
            ["app/cm.yaml"] = ConfigMap("cm", "k: v", ns),
            ["app/deploy.yaml"] = Deployment("web", ns),
        });
        await _f.CreateAsync(NewKustomization(src, "app", "./app"));
        await _f.WaitReadyAsync(src, "app", $"main@sha1:{sha}");

        await _f.DeleteAsync(src, "app");
        await Eventually.WaitAsync(() => _f.GetAsync(src, "app"), k => k is null, DefaultTimeout, "the Kustomization to go away");
        await _f.WaitConfigMapAsync(ns, "cm", c => c is null, "pruned");
        var deployments = await _f.Client.AppsV1.ListNamespacedDeploymentAsync(ns);
        Assert.DoesNotContain(deployments.Items, d => d.Metadata.Name == "web" && d.Metadata.DeletionTimestamp is null);
    }

    [Fact]
    public async Task DeletingWithOrphanPolicyKeepsItsObjects()
    {
        var ns = await _f.NewNamespaceAsync();
        var (src, _, sha) = await _f.SourceAsync(new Dictionary<string, string> { ["app/cm.yaml"] = ConfigMap("cm", "k: v", ns) });
        var ks = NewKustomization(src, "app", "./app");
        await _f.CreateAsync(ks with { Spec = ks.Spec with { DeletionPolicy = DeletionPolicies.Orphan } });
        await _f.WaitReadyAsync(src, "app", $"main@sha1:{sha}");

        await _f.DeleteAsync(src, "app");
        await Eventually.WaitAsync(() => _f.GetAsync(src, "app"), k => k is null, DefaultTimeout, "the Kustomization to go away");
        var cm = await _f.ConfigMapAsync(ns, "cm");
        Assert.NotNull(cm);
        Assert.Null(cm.Metadata.DeletionTimestamp);
    }

    [Fact]
    public async Task ChangingThePathAppliesTheNewOneAndPrunesTheOld()
    {
        var ns = await _f.NewNamespaceAsync();
        var (src, _, sha) = await _f.SourceAsync(new Dictionary<string, string>
        {
            ["staging/cm.yaml"] = ConfigMap("staging", "k: v", ns),
            ["production/cm.yaml"] = ConfigMap("production", "k: v", ns),
        });
        await _f.CreateAsync(NewKustomization(src, "app", "./staging"));
        await _f.WaitReadyAsync(src, "app", $"main@sha1:{sha}");
        Assert.NotNull(await _f.ConfigMapAsync(ns, "staging"));

        await _f.PatchAsync(src, "app", """{"spec":{"path":"./production"}}""");
        var ks = await _f.WaitAsync(src, "app", k => k.Metadata.Generation == 2 && k.Status?.ObservedGeneration == 2 && Ready(k)?.Status == "True", "Ready on generation 2");
        Assert.Equal([$"{ns}_production__ConfigMap"], ks.Status!.Inventory!.Entries.Select(e => e.Id));
        Assert.NotNull(await _f.ConfigMapAsync(ns, "production"));
        Assert.Null(await _f.ConfigMapAsync(ns, "staging"));
    }

    [Fact]
    public async Task ExplicitHealthChecksGateReadiness()
    {
        var ns = await _f.NewNamespaceAsync();
        var (src, _, sha) = await _f.SourceAsync(new Dictionary<string, string> { ["app/web.yaml"] = Deployment("web", ns) });
        _f.Plane.Simulator.SetFailing("Deployment", ns, "web");
        var ks = NewKustomization(src, "app", "./app");
        await _f.CreateAsync(ks with
        {
            Spec = ks.Spec with
            {
                Timeout = "3s",
                HealthChecks = [new NamespacedObjectKindReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "web", Namespace = ns }],
            },
        });
        var failed = await _f.WaitNotReadyAsync(src, "app", "HealthCheckFailed");
        Assert.Contains($"Deployment/{ns}/web", Ready(failed)!.Message, StringComparison.Ordinal);
        Assert.Equal($"main@sha1:{sha}", failed.Status!.LastAppliedRevision);

        _f.Plane.Simulator.SetFailing("Deployment", ns, "web", failing: false);
        await _f.WaitReadyAsync(src, "app", $"main@sha1:{sha}");
    }
}
