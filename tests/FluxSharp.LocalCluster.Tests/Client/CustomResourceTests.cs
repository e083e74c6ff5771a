using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Tests.Infrastructure;
using k8s;
using k8s.Models;

namespace FluxSharp.LocalCluster.Tests.Client;

/// <summary>CRDs installed through the API, and custom objects through CustomObjectsOperations.</summary>
public sealed class CustomResourceTests(ClientFixture fx) : IClassFixture<ClientFixture>
{
    private static readonly string FluxCrdPath = RepoFiles.GitRepositoryCrdPath;
    private const string SourceGroup = "source.toolkit.fluxcd.io";
    private static readonly SemaphoreSlim CrdLock = new(1, 1);

    private Kubernetes Client => fx.Client;

    private static JsonObject ToNode(object o) => JsonSerializer.SerializeToNode(o)!.AsObject();

    private async Task EnsureGitRepositoryCrdAsync()
    {
        await CrdLock.WaitAsync();
        try
        {
            var crd = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(await File.ReadAllTextAsync(FluxCrdPath));
            try
            {
                await Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd);
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
            {
                // Another test of this class installed it.
            }

            await WaitEstablishedAsync(crd.Metadata.Name);
        }
        finally
        {
            CrdLock.Release();
        }
    }

    private Task<V1CustomResourceDefinition> WaitEstablishedAsync(string name) =>
        Eventually.GetAsync(
            async () =>
            {
                var crd = await Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(name);
                return crd.Status?.Conditions?.Any(c => c.Type == "Established" && c.Status == "True") == true ? crd : null;
            },
            $"CRD {name} established");

    private static JsonObject GitRepository(string name, string url) => new()
    {
        ["apiVersion"] = "source.toolkit.fluxcd.io/v1",
        ["kind"] = "GitRepository",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject { ["interval"] = "1m", ["url"] = url, ["ref"] = new JsonObject { ["branch"] = "main" } },
    };

    [Fact]
    public async Task Flux_GitRepository_crd_is_established_and_served()
    {
        await EnsureGitRepositoryCrdAsync();
        var crd = await Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync("gitrepositories.source.toolkit.fluxcd.io");
        Assert.Contains(crd.Status.Conditions, c => c.Type == "NamesAccepted" && c.Status == "True");
        Assert.Equal(["v1"], crd.Status.StoredVersions);
        Assert.Equal("GitRepository", crd.Status.AcceptedNames.Kind);

        var empty = ToNode(await Client.CustomObjects.ListClusterCustomObjectAsync(SourceGroup, "v1", "gitrepositories"));
        Assert.Equal("GitRepositoryList", (string?)empty["kind"]);
    }

    [Fact]
    public async Task Custom_objects_create_list_and_patch_status()
    {
        await EnsureGitRepositoryCrdAsync();
        var ns = await fx.NewClientNamespaceAsync();
        var created = ToNode(await Client.CustomObjects.CreateNamespacedCustomObjectAsync(GitRepository("podinfo", "https://github.com/stefanprodan/podinfo"), SourceGroup, "v1", ns, "gitrepositories"));
        Assert.Equal(1, (long)created["metadata"]!["generation"]!);
        Assert.False(string.IsNullOrEmpty((string?)created["metadata"]!["uid"]));

        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(GitRepository("other", "https://example.com/x.git"), SourceGroup, "v1", ns, "gitrepositories");
        var list = ToNode(await Client.CustomObjects.ListNamespacedCustomObjectAsync(SourceGroup, "v1", ns, "gitrepositories"));
        Assert.Equal("GitRepositoryList", (string?)list["kind"]);
        Assert.Equal(["other", "podinfo"], list["items"]!.AsArray().Select(i => (string)i!["metadata"]!["name"]!).Order(StringComparer.Ordinal));

        var statusPatch = new V1Patch(
            "{\"status\":{\"observedGeneration\":1,\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"Succeeded\",\"message\":\"stored artifact\",\"lastTransitionTime\":\"2025-01-01T00:00:00Z\"}]}}",
            V1Patch.PatchType.MergePatch);
        var patched = ToNode(await Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(statusPatch, SourceGroup, "v1", ns, "gitrepositories", "podinfo"));
        Assert.Equal("True", (string?)patched["status"]!["conditions"]![0]!["status"]);
        Assert.Equal(1, (long)patched["metadata"]!["generation"]!);

        // Status in a main-resource patch is ignored; spec changes bump the generation.
        var specPatch = new V1Patch("{\"spec\":{\"interval\":\"5m\"},\"status\":{\"observedGeneration\":7}}", V1Patch.PatchType.MergePatch);
        var afterSpec = ToNode(await Client.CustomObjects.PatchNamespacedCustomObjectAsync(specPatch, SourceGroup, "v1", ns, "gitrepositories", "podinfo"));
        Assert.Equal("5m", (string?)afterSpec["spec"]!["interval"]);
        Assert.Equal(2, (long)afterSpec["metadata"]!["generation"]!);
        Assert.Equal(1, (long)afterSpec["status"]!["observedGeneration"]!);

        var status = ToNode(await Client.CustomObjects.GetNamespacedCustomObjectStatusAsync(SourceGroup, "v1", ns, "gitrepositories", "podinfo"));
        Assert.Equal("Succeeded", (string?)status["status"]!["conditions"]![0]!["reason"]);
    }

    [Fact]
    public async Task Custom_objects_have_unknown_fields_pruned_and_defaults_applied()
    {
        await EnsureGitRepositoryCrdAsync();
        var ns = await fx.NewClientNamespaceAsync();
        var body = GitRepository("pruned", "https://example.com/repo.git");
        body["spec"]!["bogus"] = "dropped";
        body["spec"]!["ref"]!["nonsense"] = 1;
        body["topLevelJunk"] = true;
        var created = ToNode(await Client.CustomObjects.CreateNamespacedCustomObjectAsync(body, SourceGroup, "v1", ns, "gitrepositories"));
        var spec = created["spec"]!.AsObject();
        Assert.False(spec.ContainsKey("bogus"));
        Assert.False(spec["ref"]!.AsObject().ContainsKey("nonsense"));
        Assert.False(created.ContainsKey("topLevelJunk"));
        Assert.Equal("60s", (string?)spec["timeout"]);
        Assert.Equal("main", (string?)spec["ref"]!["branch"]);

        var read = ToNode(await Client.CustomObjects.GetNamespacedCustomObjectAsync(SourceGroup, "v1", ns, "gitrepositories", "pruned"));
        Assert.Equal("60s", (string?)read["spec"]!["timeout"]);
        Assert.False(read["spec"]!.AsObject().ContainsKey("bogus"));
    }

    [Fact]
    public async Task Custom_objects_violating_the_schema_are_invalid()
    {
        await EnsureGitRepositoryCrdAsync();
        var ns = await fx.NewClientNamespaceAsync();
        var (code, status) = await ApiError.CatchAsync(() => Client.CustomObjects.CreateNamespacedCustomObjectAsync(GitRepository("bad", "ftp://nope"), SourceGroup, "v1", ns, "gitrepositories"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Equal("Invalid", status.Reason);
        Assert.Contains(status.Details!.Causes, c => c.Field == "spec.url");
    }

    [Fact]
    public async Task Multi_version_crd_serves_both_versions_from_one_storage_version()
    {
        const string group = "multi.example.com";
        var crd = new V1CustomResourceDefinition
        {
            ApiVersion = "apiextensions.k8s.io/v1",
            Kind = "CustomResourceDefinition",
            Metadata = new V1ObjectMeta { Name = "widgets." + group },
            Spec = new V1CustomResourceDefinitionSpec
            {
                Group = group,
                Scope = "Namespaced",
                Names = new V1CustomResourceDefinitionNames { Plural = "widgets", Singular = "widget", Kind = "Widget", ListKind = "WidgetList" },
                Versions =
                [
                    Version("v1beta1", storage: false),
                    Version("v1", storage: true),
                ],
            },
        };
        await Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd);
        var established = await WaitEstablishedAsync(crd.Metadata.Name);
        Assert.Equal(["v1"], established.Status.StoredVersions);

        var ns = await fx.NewClientNamespaceAsync();
        var body = new JsonObject
        {
            ["apiVersion"] = group + "/v1beta1",
            ["kind"] = "Widget",
            ["metadata"] = new JsonObject { ["name"] = "w" },
            ["spec"] = new JsonObject { ["size"] = 3 },
        };
        var created = ToNode(await Client.CustomObjects.CreateNamespacedCustomObjectAsync(body, group, "v1beta1", ns, "widgets"));
        Assert.Equal(group + "/v1beta1", (string?)created["apiVersion"]);
        Assert.Equal("small", (string?)created["spec"]!["color"]);

        var asV1 = ToNode(await Client.CustomObjects.GetNamespacedCustomObjectAsync(group, "v1", ns, "widgets", "w"));
        Assert.Equal(group + "/v1", (string?)asV1["apiVersion"]);
        Assert.Equal(3, (long)asV1["spec"]!["size"]!);
        Assert.Equal((string?)created["metadata"]!["uid"], (string?)asV1["metadata"]!["uid"]);

        var patched = ToNode(await Client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch("{\"spec\":{\"size\":5}}", V1Patch.PatchType.MergePatch), group, "v1", ns, "widgets", "w"));
        Assert.Equal(5, (long)patched["spec"]!["size"]!);
        var asBeta = ToNode(await Client.CustomObjects.GetNamespacedCustomObjectAsync(group, "v1beta1", ns, "widgets", "w"));
        Assert.Equal(group + "/v1beta1", (string?)asBeta["apiVersion"]);
        Assert.Equal(5, (long)asBeta["spec"]!["size"]!);

        var listV1 = ToNode(await Client.CustomObjects.ListNamespacedCustomObjectAsync(group, "v1", ns, "widgets"));
        Assert.Equal(group + "/v1", (string?)listV1["items"]![0]!["apiVersion"]);

        static V1CustomResourceDefinitionVersion Version(string name, bool storage) => new()
        {
            Name = name,
            Served = true,
            Storage = storage,
            Schema = new V1CustomResourceValidation
            {
                OpenAPIV3Schema = new V1JSONSchemaProps
                {
                    Type = "object",
                    Properties = new Dictionary<string, V1JSONSchemaProps>
                    {
                        ["spec"] = new()
                        {
                            Type = "object",
                            Properties = new Dictionary<string, V1JSONSchemaProps>
                            {
                                ["size"] = new() { Type = "integer" },
                                ["color"] = new() { Type = "string", DefaultProperty = "small" },
                            },
                        },
                    },
                },
            },
        };
    }
}
