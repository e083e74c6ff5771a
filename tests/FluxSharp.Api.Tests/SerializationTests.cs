using System.Text.Json.Nodes;
using FluxSharp.Api.Kustomize.V1;
using FluxSharp.Api.Source.V1;
using k8s;
using k8s.Models;

namespace FluxSharp.Api.Tests;

/// <summary>How the official client's serializer (KubernetesJson) writes and reads our records.</summary>
public class SerializationTests
{
    [Fact]
    public void UnsetOptionalFieldsAreOmitted()
    {
        var repo = new GitRepository
        {
            Metadata = new V1ObjectMeta { Name = "a", NamespaceProperty = "b" },
            Spec = new GitRepositorySpec { Url = "https://example.com/repo.git", Interval = "1m" },
        };

        var json = JsonNode.Parse(KubernetesJson.Serialize(repo))!.AsObject();

        Assert.Equal("source.toolkit.fluxcd.io/v1", json["apiVersion"]?.GetValue<string>());
        Assert.Equal("GitRepository", json["kind"]?.GetValue<string>());
        Assert.False(json.ContainsKey("status"));
        Assert.Equal(["interval", "url"], json["spec"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void FluxManifestsDeserializeWithEveryField()
    {
        const string manifest = """
            {"apiVersion":"kustomize.toolkit.fluxcd.io/v1","kind":"Kustomization",
             "metadata":{"name":"apps","namespace":"flux-system"},
             "spec":{"interval":"10m","path":"./apps","prune":true,"sourceRef":{"kind":"GitRepository","name":"flux-system"},
                     "patches":[{"patch":"- op: remove\n  path: /spec/replicas","target":{"kind":"Deployment"}}],
                     "postBuild":{"substitute":{"a":"b"},"substituteFrom":[{"kind":"Secret","name":"s","optional":true}]}},
             "status":{"observedGeneration":2,"inventory":{"entries":[{"id":"default_a_apps_Deployment","v":"v1"}]},
                       "conditions":[{"type":"Ready","status":"True","reason":"ReconciliationSucceeded","message":"Applied revision: main@sha1:abc","lastTransitionTime":"2024-05-01T10:00:00Z"}]}}
            """;

        var ks = KubernetesJson.Deserialize<Kustomization>(manifest);

        Assert.Equal("./apps", ks.Spec.Path);
        Assert.True(ks.Spec.Prune);
        Assert.Equal("Deployment", ks.Spec.Patches![0].Target!.Kind);
        Assert.True(ks.Spec.PostBuild!.SubstituteFrom![0].Optional);
        Assert.Equal("v1", ks.Status!.Inventory!.Entries[0].Version);
        Assert.Equal(new DateTime(2024, 5, 1, 10, 0, 0, DateTimeKind.Utc), ks.Status.Conditions![0].LastTransitionTime.ToUniversalTime());
        Assert.True(ReSerializedKeepsEveryField(manifest, ks), KubernetesJson.Serialize(ks));
    }

    /// <summary>KubernetesJson writes timestamps with fractional seconds (checked above by value); every other field must read back unchanged.</summary>
    private static bool ReSerializedKeepsEveryField(string manifest, Kustomization ks)
    {
        var expected = JsonNode.Parse(manifest)!;
        var actual = JsonNode.Parse(KubernetesJson.Serialize(ks))!;
        expected["status"]!["conditions"]![0]!.AsObject().Remove("lastTransitionTime");
        actual["status"]!["conditions"]![0]!.AsObject().Remove("lastTransitionTime");
        return JsonNode.DeepEquals(expected, actual);
    }
}
