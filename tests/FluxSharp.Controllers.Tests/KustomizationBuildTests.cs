using FluxSharp.Api.Kustomize.V1;
using FluxSharp.Controllers.Tests.Infrastructure;
using k8s;
using k8s.Models;
using static FluxSharp.Controllers.Tests.Infrastructure.KustomizeControllerFixture;

namespace FluxSharp.Controllers.Tests;

/// <summary>Kustomization end to end through the build: substitution, targetNamespace, CRDs with their resources.</summary>
public sealed class KustomizationBuildTests : IClassFixture<KustomizeControllerFixture>
{
    private readonly KustomizeControllerFixture _f;

    public KustomizationBuildTests(KustomizeControllerFixture f) => _f = f;

    [Fact]
    public async Task PostBuildSubstitutesFromSpecConfigMapAndDefaults()
    {
        var ns = await _f.NewNamespaceAsync();
        var (src, _, sha) = await _f.SourceAsync(new Dictionary<string, string>
        {
            ["app/cm.yaml"] = $$"""
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: settings-${cluster}
                  namespace: {{ns}}
                data:
                  cluster: ${cluster}
                  region: ${region}
                  tier: ${tier:=gold}
                  replicas: "n-${replicas:=2}"

                """,
        });
        await _f.Client.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cluster-vars", NamespaceProperty = src }, Data = new Dictionary<string, string> { ["region"] = "eu-west", ["replicas"] = "4" } }, src);
        var ks = NewKustomization(src, "app", "./app");
        await _f.CreateAsync(ks with
        {
            Spec = ks.Spec with
            {
                PostBuild = new PostBuild
                {
                    Substitute = new Dictionary<string, string> { ["cluster"] = "prod" },
                    SubstituteFrom =
                    [
                        new SubstituteReference { Kind = "ConfigMap", Name = "cluster-vars" },
                        new SubstituteReference { Kind = "Secret", Name = "not-there", Optional = true },
                    ],
                },
            },
        });
        await _f.WaitReadyAsync(src, "app", $"main@sha1:{sha}");
        var cm = (await _f.ConfigMapAsync(ns, "settings-prod"))!;
        Assert.Equal("prod", cm.Data["cluster"]);
        Assert.Equal("eu-west", cm.Data["region"]);
        Assert.Equal("gold", cm.Data["tier"]);
        Assert.Equal("n-4", cm.Data["replicas"]);
    }

    [Fact]
    public async Task TargetNamespacePutsEverythingThere()
    {
        var target = await _f.NewNamespaceAsync();
        var (src, _, sha) = await _f.SourceAsync(new Dictionary<string, string>
        {
            ["app/cm.yaml"] = ConfigMap("cm", "k: v"),
            ["app/other.yaml"] = ConfigMap("other", "k: v", "somewhere-else"),
        });
        var ks = NewKustomization(src, "app", "./app");
        await _f.CreateAsync(ks with { Spec = ks.Spec with { TargetNamespace = target } });
        var ready = await _f.WaitReadyAsync(src, "app", $"main@sha1:{sha}");
        Assert.NotNull(await _f.ConfigMapAsync(target, "cm"));
        Assert.NotNull(await _f.ConfigMapAsync(target, "other"));
        Assert.Equal([$"{target}_cm__ConfigMap", $"{target}_other__ConfigMap"], ready.Status!.Inventory!.Entries.Select(e => e.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CrdAndItsResourcesApplyInOneReconcile()
    {
        var ns = await _f.NewNamespaceAsync();
        var (src, _, sha) = await _f.SourceAsync(new Dictionary<string, string>
        {
            ["app/crd.yaml"] = """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata:
                  name: gadgets.e2e.fluxsharp.dev
                spec:
                  group: e2e.fluxsharp.dev
                  names:
                    kind: Gadget
                    listKind: GadgetList
                    plural: gadgets
                    singular: gadget
                  scope: Namespaced
                  versions:
                  - name: v1
                    served: true
                    storage: true
                    schema:
                      openAPIV3Schema:
                        type: object
                        properties:
                          spec:
                            type: object
                            properties:
                              size:
                                type: integer

                """,
            ["app/gadgets.yaml"] = $"""
                apiVersion: e2e.fluxsharp.dev/v1
                kind: Gadget
                metadata:
                  name: one
                  namespace: {ns}
                spec:
                  size: 1
                ---
                apiVersion: e2e.fluxsharp.dev/v1
                kind: Gadget
                metadata:
                  name: two
                  namespace: {ns}
                spec:
                  size: 2

                """,
        });
        await _f.CreateAsync(NewKustomization(src, "app", "./app"));
        var ready = await _f.WaitAsync(src, "app", k => Ready(k)?.Status is "True" or "False" && k.Status?.LastAttemptedRevision == $"main@sha1:{sha}", "first attempt");
        Assert.True(Ready(ready)!.Status == "True", Describe(ready));
        Assert.Equal($"main@sha1:{sha}", ready.Status!.LastAppliedRevision);
        var two = await _f.Client.CustomObjects.GetNamespacedCustomObjectAsync("e2e.fluxsharp.dev", "v1", ns, "gadgets", "two");
        Assert.NotNull(two);
        Assert.Contains(ready.Status.Inventory!.Entries, e => e.Id == "_gadgets.e2e.fluxsharp.dev_apiextensions.k8s.io_CustomResourceDefinition");
        Assert.Contains(ready.Status.Inventory!.Entries, e => e.Id == $"{ns}_one_e2e.fluxsharp.dev_Gadget");
    }
}
