using System.Text.Json.Nodes;
using FluxSharp.Api.Tests.Infrastructure;

namespace FluxSharp.Api.Tests;

/// <summary>
/// The committed facts about Flux's CRDs (Reference/flux-crd-facts.json) cover every Flux kind, so kinds we serve
/// later are checked the same way, and stay in the order scripts/extract-flux-crd-facts.py writes them.
/// </summary>
public class FluxCrdFactsTests
{
    private static readonly string[] FluxKinds =
    [
        "GitRepository", "OCIRepository", "Bucket", "HelmRepository", "HelmChart", "ExternalArtifact", "ArtifactGenerator",
        "Kustomization", "HelmRelease", "Provider", "Alert", "Receiver", "ImageRepository", "ImagePolicy", "ImageUpdateAutomation",
    ];

    [Fact]
    public void FactsCoverEveryFluxKindWithOneStorageVersion()
    {
        var crds = FluxReference.All;

        Assert.Equal(FluxKinds.Order(StringComparer.Ordinal), crds.Select(c => c.Kind).Order(StringComparer.Ordinal));
        foreach (var crd in crds)
        {
            Assert.Equal($"{crd.Names["plural"]}.{crd.Group}", crd.Name);
            var (name, version) = crd.StorageVersion;
            Assert.True(version["served"]?.GetValue<bool>(), $"{crd}: storage version {name} is not served");
            var fields = crd.Fields(name);
            Assert.Equal("object", (string?)fields[string.Empty]["type"]);
            Assert.Contains(".spec", fields.Keys);
            Assert.All(fields, f => Assert.Null(f.Value["description"]));
        }
    }

    [Fact]
    public void EveryKindWeServeIsInTheFacts()
    {
        Assert.All(FluxApi.Kinds, kind => Assert.Equal(kind.Name, FluxReference.For(kind).Kind));
    }

    [Fact]
    public void FactsNameTheUpstreamRelease()
    {
        Assert.StartsWith("v2.", (string?)FluxReference.Upstream["flux"], StringComparison.Ordinal);
        var repositories = (JsonObject)FluxReference.Upstream["repositories"]!;
        foreach (var controller in new[] { "source-controller", "kustomize-controller", "helm-controller", "notification-controller" })
        {
            Assert.Matches("^[0-9a-f]{7,40}$", (string?)repositories["fluxcd/" + controller]?["commit"]);
        }
    }

    [Fact]
    public void FieldPathsAreWrittenInSortedOrder()
    {
        foreach (var crd in FluxReference.All)
        {
            foreach (var (name, version) in crd.Versions)
            {
                var paths = ((JsonObject)version!["fields"]!).Select(f => f.Key).ToList();
                Assert.Equal(paths.Order(StringComparer.Ordinal), paths);
            }
        }
    }
}
