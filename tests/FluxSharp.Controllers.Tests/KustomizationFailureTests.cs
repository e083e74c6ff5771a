using System.Text.Json.Nodes;
using FluxSharp.Api;
using FluxSharp.Api.Kustomize.V1;
using FluxSharp.Api.Source.V1;
using FluxSharp.Controllers.Tests.Infrastructure;
using k8s;
using k8s.Models;
using static FluxSharp.Controllers.Tests.Infrastructure.KustomizeControllerFixture;

namespace FluxSharp.Controllers.Tests;

/// <summary>Kustomization end to end with bad input: health failures, build and apply errors, broken dependencies and sources.</summary>
public sealed class KustomizationFailureTests : IClassFixture<KustomizeControllerFixture>
{
    private readonly KustomizeControllerFixture _f;

    public KustomizationFailureTests(KustomizeControllerFixture f) => _f = f;

    [Fact]
    public async Task FailingDeploymentFailsTheHealthCheck()
    {
        var ns = await _f.NewNamespaceAsync();
        var (src, git, _) = await _f.SourceAsync(new Dictionary<string, string>
        {
            ["app/good.yaml"] = Deployment("good", ns),
            ["app/bad.yaml"] = Deployment("bad", ns, annotations: "  annotations:\n    local.fluxsharp.dev/simulate: fail\n"),
        });
        var ks = NewKustomization(src, "app", "./app");
        await _f.CreateAsync(ks with { Spec = ks.Spec with { Wait = true, Timeout = "5s" } });
        var failed = await _f.WaitNotReadyAsync(src, "app", "HealthCheckFailed");
        Assert.Contains($"Deployment/{ns}/bad", Ready(failed)!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain($"Deployment/{ns}/good", Ready(failed)!.Message, StringComparison.Ordinal);
        Assert.Equal("False", failed.Status!.Conditions!.First(c => c.Type == "Healthy").Status);

        // A push that drops the failing marker makes it healthy again.
        var sha2 = await _f.PushAsync(src, git, new Dictionary<string, string> { ["app/bad.yaml"] = Deployment("bad", ns) });
        var healed = await _f.WaitReadyAsync(src, "app", $"main@sha1:{sha2}");
        Assert.Equal("True", healed.Status!.Conditions!.First(c => c.Type == "Healthy").Status);
    }

    [Fact]
    public async Task InvalidYamlIsABuildFailureNamingTheFile()
    {
        var ns = await _f.NewNamespaceAsync();
        var (src, _, _) = await _f.SourceAsync(new Dictionary<string, string>
        {
            ["app/good.yaml"] = ConfigMap("good", "k: v", ns),
            ["app/broken.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata: [oops\n",
        });
        await _f.CreateAsync(NewKustomization(src, "app", "./app"));
        var failed = await _f.WaitNotReadyAsync(src, "app", "BuildFailed");
        Assert.Contains("broken.yaml", Ready(failed)!.Message, StringComparison.Ordinal);
        Assert.Null(await _f.ConfigMapAsync(ns, "good"));
    }

    [Fact]
    public async Task KindWithoutCrdFailsNamingTheObject()
    {
        var ns = await _f.NewNamespaceAsync();
        var (src, _, _) = await _f.SourceAsync(new Dictionary<string, string>
        {
            ["app/w.yaml"] = $"apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\n  namespace: {ns}\nspec:\n  size: 1\n",
        });
        await _f.CreateAsync(NewKustomization(src, "app", "./app"));
        var failed = await _f.WaitNotReadyAsync(src, "app", "ReconciliationFailed");
        Assert.Contains($"Widget/{ns}/w1", Ready(failed)!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingSubstitutionVariableFailsTheBuildNamingIt()
    {
        var ns = await _f.NewNamespaceAsync();
        var (src, _, _) = await _f.SourceAsync(new Dictionary<string, string>
        {
            ["app/cm.yaml"] = ConfigMap("cm", "k: ${known}-${not_defined_var}", ns),
        });
        var ks = NewKustomization(src, "app", "./app");
        await _f.CreateAsync(ks with { Spec = ks.Spec with { PostBuild = new PostBuild { Substitute = new Dictionary<string, string> { ["known"] = "x" } } } });
        var failed = await _f.WaitNotReadyAsync(src, "app", "BuildFailed");
        Assert.Contains("not_defined_var", Ready(failed)!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingDependencyAndCycleAreDependencyNotReady()
    {
        var ns = await _f.NewNamespaceAsync();
        var (src, _, _) = await _f.SourceAsync(new Dictionary<string, string> { ["app/cm.yaml"] = ConfigMap("cm", "k: v", ns) });
        var missing = NewKustomization(src, "lonely", "./app");
        await _f.CreateAsync(missing with { Spec = missing.Spec with { DependsOn = [new DependencyReference { Name = "nowhere" }] } });
        var a = NewKustomization(src, "a", "./app");
        await _f.CreateAsync(a with { Spec = a.Spec with { DependsOn = [new DependencyReference { Name = "b" }] } });
        var b = NewKustomization(src, "b", "./app");
        await _f.CreateAsync(b with { Spec = b.Spec with { DependsOn = [new DependencyReference { Name = "a" }] } });

        var lonely = await _f.WaitNotReadyAsync(src, "lonely", "DependencyNotReady");
        Assert.Contains("nowhere", Ready(lonely)!.Message, StringComparison.Ordinal);
        await _f.WaitNotReadyAsync(src, "a", "DependencyNotReady");
        await _f.WaitNotReadyAsync(src, "b", "DependencyNotReady");
        Assert.Null(await _f.ConfigMapAsync(ns, "cm"));
    }

    [Fact]
    public async Task SourceThatNeverBecomesReadyIsArtifactFailed()
    {
        var ns = await _f.NewNamespaceAsync();
        var repo = new GitRepository
        {
            Metadata = new V1ObjectMeta { Name = "broken", NamespaceProperty = ns },
            Spec = new GitRepositorySpec { Url = "file:///nonexistent/repo.git", Interval = "1h", Reference = new GitRepositoryRef { Branch = "main" } },
        };
        await _f.Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            JsonNode.Parse(KubernetesJson.Serialize(repo)), SourceGroup.Name, SourceGroup.Version, ns, GitRepository.Plural);
        await _f.CreateAsync(NewKustomization(ns, "app", "./", sourceName: "broken"));
        await _f.CreateAsync(NewKustomization(ns, "nosource", "./", sourceName: "absent"));

        var failed = await _f.WaitNotReadyAsync(ns, "app", "ArtifactFailed");
        Assert.Contains("broken", Ready(failed)!.Message, StringComparison.Ordinal);
        var absent = await _f.WaitNotReadyAsync(ns, "nosource", "ArtifactFailed");
        Assert.Contains("absent", Ready(absent)!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BuildFailureAfterAGoodRevisionPrunesNothing()
    {
        var ns = await _f.NewNamespaceAsync();
        var (src, git, sha) = await _f.SourceAsync(new Dictionary<string, string>
        {
            ["app/a.yaml"] = ConfigMap("a", "k: a", ns),
            ["app/b.yaml"] = ConfigMap("b", "k: b", ns),
        });
        await _f.CreateAsync(NewKustomization(src, "app", "./app"));
        var good = await _f.WaitReadyAsync(src, "app", $"main@sha1:{sha}");

        // b goes away and a breaks: the build fails, so b must not be pruned.
        var sha2 = await _f.PushAsync(src, git, new Dictionary<string, string> { ["app/a.yaml"] = "kind: [\n" }, "app/b.yaml");
        var failed = await _f.WaitAsync(src, "app", k => Ready(k)?.Reason == "BuildFailed" && k.Status?.LastAttemptedRevision == $"main@sha1:{sha2}", "BuildFailed on the new revision");
        Assert.Equal($"main@sha1:{sha}", failed.Status!.LastAppliedRevision);
        Assert.Equal(good.Status!.Inventory!.Entries.Select(e => e.Id), failed.Status.Inventory!.Entries.Select(e => e.Id));
        Assert.NotNull(await _f.ConfigMapAsync(ns, "a"));
        Assert.NotNull(await _f.ConfigMapAsync(ns, "b"));
        Assert.Equal("True", failed.Status.Conditions!.First(c => c.Type == "Reconciling").Status);
    }
}
