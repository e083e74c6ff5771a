using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Tests.Infrastructure;
using FluxSharp.Testing;

namespace FluxSharp.LocalCluster.Tests.Conformance;

/// <summary>
/// kubectl version / api-resources / api-versions, and a smoke run with every kubectl release from 1.27 to 1.35
/// (scripts/install-tools.sh installs them; before 1.29 kubectl reads only the protobuf OpenAPI v2).
/// </summary>
public sealed class DiscoveryConformanceTests(LocalControlPlaneFixture fixture) : IClassFixture<LocalControlPlaneFixture>
{
    private Kubectl Kubectl => fixture.Kubectl;

    public static TheoryData<string> OtherVersions()
    {
        var data = new TheoryData<string>();
        foreach (var v in TestTools.KubectlReleases)
        {
            data.Add(v);
        }

        return data;
    }

    [Fact]
    public async Task VersionReportsServerVersion()
    {
        var version = JsonNode.Parse(await Kubectl.OkAsync("version", "-o", "json"))!;

        Assert.Equal("1", version.Str("serverVersion", "major"));
        Assert.StartsWith("v1.", version.Str("serverVersion", "gitVersion"), StringComparison.Ordinal);
        Assert.NotNull(version.Str("serverVersion", "platform"));
    }

    [Fact]
    public async Task ApiVersionsListsCoreAndGroups()
    {
        var versions = (await Kubectl.OkAsync("api-versions")).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        foreach (var expected in new[] { "v1", "apps/v1", "batch/v1", "rbac.authorization.k8s.io/v1", "apiextensions.k8s.io/v1" })
        {
            Assert.Contains(expected, versions);
        }
    }

    [Fact]
    public async Task ApiResourcesListsKindsScopeAndShortNames()
    {
        var lines = (await Kubectl.OkAsync("api-resources")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var rows = lines[1..].Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Contains(rows, r => r is ["configmaps", "cm", "v1", "true", "ConfigMap"]);
        Assert.Contains(rows, r => r is ["deployments", "deploy", "apps/v1", "true", "Deployment"]);
        Assert.Contains(rows, r => r is ["namespaces", "ns", "v1", "false", "Namespace"]);

        var clusterScoped = (await Kubectl.OkAsync("api-resources", "--namespaced=false", "-o", "name")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("namespaces", clusterScoped);
        Assert.Contains("customresourcedefinitions.apiextensions.k8s.io", clusterScoped);
        Assert.DoesNotContain("configmaps", clusterScoped);

        var wide = await Kubectl.OkAsync("api-resources", "--api-group=apps", "-o", "wide");
        Assert.Contains("VERBS", wide, StringComparison.Ordinal);
        Assert.Contains("create,delete,deletecollection,get,list,patch,update,watch", wide, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(OtherVersions))]
    public async Task OtherKubectlReleasesApplyGetAndDelete(string version)
    {
        var executable = TestTools.Kubectl(version);
        var kubectl = new Kubectl(fixture.KubeconfigPath, Path.Combine(fixture.Directory, "cache-" + version), executable);
        var ns = await fixture.NewNamespaceAsync("v" + version.Replace(".", string.Empty, StringComparison.Ordinal));
        var manifest = $$"""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: {{ns}} }
            spec:
              replicas: 1
              selector: {matchLabels: {app: web} }
              template:
                metadata: {labels: {app: web} }
                spec:
                  containers: [{name: nginx, image: "nginx:1.25"}]
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings, namespace: {{ns}} }
            data: {a: "1"}
            """;

        var clientVersion = JsonNode.Parse(await kubectl.OkAsync("version", "-o", "json"))!;
        Assert.Equal("v" + version, string.Join('.', clientVersion.Str("clientVersion", "gitVersion")!.Split('.')[..2]));
        await kubectl.OkWithInputAsync(manifest, "apply", "-f", "-");
        await kubectl.OkWithInputAsync(manifest, "apply", "--server-side", "-f", "-");
        await kubectl.OkAsync("wait", "--for=condition=Available", "deployment/web", "-n", ns, "--timeout=15s");
        var table = (await kubectl.OkAsync("get", "deployments", "-n", ns)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], table[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("configmaps", await kubectl.OkAsync("api-resources", "-o", "name"), StringComparison.Ordinal);
        var diff = await kubectl.RunAsync(["diff", "-f", "-"], manifest);
        Assert.Equal(0, diff.ExitCode);
        await kubectl.OkAsync("delete", "configmap", "settings", "-n", ns);
        Assert.False(await kubectl.ExistsAsync("get", "configmap", "settings", "-n", ns));
    }
}
