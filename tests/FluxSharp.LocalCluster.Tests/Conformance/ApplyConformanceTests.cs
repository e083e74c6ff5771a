using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Tests.Infrastructure;
using FluxSharp.Testing;

namespace FluxSharp.LocalCluster.Tests.Conformance;

/// <summary>kubectl apply (client-side and server-side), diff and --dry-run=server against the local control plane.</summary>
public sealed class ApplyConformanceTests(LocalControlPlaneFixture fixture) : IClassFixture<LocalControlPlaneFixture>
{
    private Kubectl Kubectl => fixture.Kubectl;

    private static string ConfigMap(string ns, string name, string data) => $$"""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: {{name}}
          namespace: {{ns}}
        data:
        {{data}}
        """;

    private static string Deployment(string ns, string name, int replicas, string image = "nginx:1.25", string extraEnv = "") => $$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{name}}
          namespace: {{ns}}
        spec:
          replicas: {{replicas}}
          selector:
            matchLabels: {app: {{name}} }
          template:
            metadata:
              labels: {app: {{name}} }
            spec:
              containers:
              - name: main
                image: {{image}}
                env:
                - {name: A, value: "1"}
        {{extraEnv}}
        """;

    [Fact]
    public async Task ClientSideApplyCreatesThenReportsUnchangedOnIdenticalReapply()
    {
        var ns = await fixture.NewNamespaceAsync();
        var manifest = ConfigMap(ns, "settings", "  a: \"1\"\n  b: \"2\"");

        Assert.Contains("configmap/settings created", await Kubectl.OkWithInputAsync(manifest, "apply", "-f", "-"), StringComparison.Ordinal);
        var created = await Kubectl.GetJsonAsync("get", "configmap", "settings", "-n", ns);

        Assert.Contains("configmap/settings unchanged", await Kubectl.OkWithInputAsync(manifest, "apply", "-f", "-"), StringComparison.Ordinal);

        var cm = await Kubectl.GetJsonAsync("get", "configmap", "settings", "-n", ns);
        Assert.Equal(created.Str("metadata", "resourceVersion"), cm.Str("metadata", "resourceVersion"));
        Assert.Equal("1", cm.Str("data", "a"));
        var lastApplied = JsonNode.Parse(cm.Str("metadata", "annotations", "kubectl.kubernetes.io/last-applied-configuration")!)!;
        Assert.Equal("2", lastApplied.Str("data", "b"));
    }

    [Fact]
    public async Task ClientSideApplyRemovesFieldDroppedFromManifestButKeepsFieldsSetByOthers()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Kubectl.OkWithInputAsync(ConfigMap(ns, "settings", "  a: \"1\"\n  b: \"2\""), "apply", "-f", "-");
        await Kubectl.OkAsync("patch", "configmap", "settings", "-n", ns, "--type=merge", "-p", "{\"data\":{\"other\":\"x\"}}");

        var output = await Kubectl.OkWithInputAsync(ConfigMap(ns, "settings", "  a: \"10\""), "apply", "-f", "-");

        Assert.Contains("configmap/settings configured", output, StringComparison.Ordinal);
        var data = (await Kubectl.GetJsonAsync("get", "configmap", "settings", "-n", ns))["data"]!.AsObject();
        Assert.Equal("10", data.Str("a"));
        Assert.False(data.ContainsKey("b"), "b was in the last-applied configuration and is no longer in the manifest");
        Assert.Equal("x", data.Str("other"));
    }

    [Fact]
    public async Task ServerSideApplyConflictsWithKubectlScaleUntilForced()
    {
        var ns = await fixture.NewNamespaceAsync();
        var manifest = Deployment(ns, "web", 2);
        Assert.Contains("deployment.apps/web serverside-applied", await Kubectl.OkWithInputAsync(manifest, "apply", "--server-side", "-f", "-"), StringComparison.Ordinal);
        await Kubectl.OkAsync("scale", "deployment", "web", "-n", ns, "--replicas=3");

        var conflict = await Kubectl.FailsAsync(manifest, "apply", "--server-side", "-f", "-");

        Assert.Contains("Apply failed with 1 conflict: conflict with \"kubectl\" with subresource \"scale\" using apps/v1: .spec.replicas", conflict.Stderr, StringComparison.Ordinal);
        Assert.Equal("3", (await Kubectl.GetJsonAsync("get", "deployment", "web", "-n", ns)).Str("spec", "replicas"));

        await Kubectl.OkWithInputAsync(manifest, "apply", "--server-side", "--force-conflicts", "-f", "-");

        var deployment = await Kubectl.GetJsonAsync("get", "deployment", "web", "-n", ns, "--show-managed-fields");
        Assert.Equal("2", deployment.Str("spec", "replicas"));
        var applier = KubectlAssert.ManagedBy(deployment, "kubectl", "Apply");
        Assert.NotNull(applier);
        Assert.NotNull(applier!["fieldsV1"]?["f:spec"]?["f:replicas"]);
        var scaler = KubectlAssert.ManagedBy(deployment, "kubectl", "Update");
        Assert.True(scaler?["fieldsV1"]?["f:spec"]?["f:replicas"] is null, "the scale manager lost .spec.replicas to the forced apply");
    }

    [Fact]
    public async Task ServerSideApplyConflictsWithFieldPatchedByAnotherManagerAndForceTakesOwnership()
    {
        var ns = await fixture.NewNamespaceAsync();
        var manifest = Deployment(ns, "api", 1);
        await Kubectl.OkWithInputAsync(manifest, "apply", "--server-side", "--field-manager=flux", "-f", "-");
        await Kubectl.OkAsync(
            "patch", "deployment", "api", "-n", ns, "--field-manager=hotfix", "--type=strategic",
            "-p", "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"main\",\"image\":\"nginx:1.27\"}]}}}}");

        var conflict = await Kubectl.FailsAsync(manifest, "apply", "--server-side", "--field-manager=flux", "-f", "-");

        Assert.Contains("conflict with \"hotfix\" using apps/v1: .spec.template.spec.containers[name=\"main\"].image", conflict.Stderr, StringComparison.Ordinal);
        Assert.Contains("--force-conflicts", conflict.Stderr, StringComparison.Ordinal);

        await Kubectl.OkWithInputAsync(manifest, "apply", "--server-side", "--field-manager=flux", "--force-conflicts", "-f", "-");

        var deployment = await Kubectl.GetJsonAsync("get", "deployment", "api", "-n", ns, "--show-managed-fields");
        Assert.Equal("nginx:1.25", deployment["spec"]!["template"]!["spec"]!["containers"]![0]!.Str("image"));
        var flux = KubectlAssert.ManagedBy(deployment, "flux", "Apply")!;
        Assert.NotNull(flux["fieldsV1"]!["f:spec"]!["f:template"]!["f:spec"]!["f:containers"]!["k:{\"name\":\"main\"}"]!["f:image"]);
        Assert.Null(KubectlAssert.ManagedBy(deployment, "hotfix", "Update"));
    }

    [Fact]
    public async Task ServerSideApplyRemovesFieldDroppedFromManifest()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Kubectl.OkWithInputAsync(Deployment(ns, "app", 1, extraEnv: "        - {name: B, value: \"2\"}"), "apply", "--server-side", "-f", "-");
        await Kubectl.OkWithInputAsync(ConfigMap(ns, "cfg", "  keep: \"1\"\n  drop: \"2\""), "apply", "--server-side", "-f", "-");

        await Kubectl.OkWithInputAsync(Deployment(ns, "app", 1), "apply", "--server-side", "-f", "-");
        await Kubectl.OkWithInputAsync(ConfigMap(ns, "cfg", "  keep: \"1\""), "apply", "--server-side", "-f", "-");

        var env = (await Kubectl.GetJsonAsync("get", "deployment", "app", "-n", ns))["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray();
        Assert.Equal(["A"], env.Select(e => e.Str("name")));
        var data = (await Kubectl.GetJsonAsync("get", "configmap", "cfg", "-n", ns))["data"]!.AsObject();
        Assert.Equal(["keep"], data.Select(kv => kv.Key));
    }

    [Fact]
    public async Task ServerSideApplyAfterClientSideApplyTakesOverFieldsFromLastApplied()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Kubectl.OkWithInputAsync(ConfigMap(ns, "migrate", "  a: \"1\""), "apply", "-f", "-");

        await Kubectl.OkWithInputAsync(ConfigMap(ns, "migrate", "  a: \"2\""), "apply", "--server-side", "-f", "-");

        var cm = await Kubectl.GetJsonAsync("get", "configmap", "migrate", "-n", ns, "--show-managed-fields");
        Assert.Equal("2", cm.Str("data", "a"));
        Assert.NotNull(KubectlAssert.ManagedBy(cm, "kubectl", "Apply")?["fieldsV1"]?["f:data"]?["f:a"]);
    }

    [Fact]
    public async Task DiffExitsZeroWithoutChangesAndOneWithChanges()
    {
        var ns = await fixture.NewNamespaceAsync();
        var manifest = ConfigMap(ns, "diffed", "  a: \"1\"");
        await Kubectl.OkWithInputAsync(manifest, "apply", "-f", "-");

        var same = await Kubectl.RunAsync(["diff", "-f", "-"], manifest);
        Assert.Equal(0, same.ExitCode);
        Assert.Equal(string.Empty, same.Stdout);

        var changed = await Kubectl.RunAsync(["diff", "-f", "-"], ConfigMap(ns, "diffed", "  a: \"2\""));
        Assert.Equal(1, changed.ExitCode);
        Assert.Contains("-  a: \"1\"", changed.Stdout, StringComparison.Ordinal);
        Assert.Contains("+  a: \"2\"", changed.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("keeps changing", changed.Stderr, StringComparison.Ordinal);

        var serverSide = await Kubectl.RunAsync(["diff", "--server-side", "--force-conflicts", "-f", "-"], ConfigMap(ns, "diffed", "  a: \"3\""));
        Assert.Equal(1, serverSide.ExitCode);
        Assert.Contains("+  a: \"3\"", serverSide.Stdout, StringComparison.Ordinal);

        Assert.Equal("1", (await Kubectl.GetJsonAsync("get", "configmap", "diffed", "-n", ns)).Str("data", "a"));
    }

    [Fact]
    public async Task DiffOfNewObjectShowsItWithoutCreatingIt()
    {
        var ns = await fixture.NewNamespaceAsync();

        var result = await Kubectl.RunAsync(["diff", "-f", "-"], ConfigMap(ns, "brand-new", "  a: \"1\""));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("+  name: brand-new", result.Stdout, StringComparison.Ordinal);
        Assert.False(await Kubectl.ExistsAsync("get", "configmap", "brand-new", "-n", ns));
    }

    [Fact]
    public async Task ServerDryRunOnCreateApplyAndDeleteChangesNothing()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Kubectl.OkWithInputAsync(ConfigMap(ns, "live", "  a: \"1\""), "apply", "-f", "-");
        var before = await Kubectl.GetJsonAsync("get", "configmap", "live", "-n", ns);

        Assert.Contains("configmap/ghost created (server dry run)", await Kubectl.OkWithInputAsync(ConfigMap(ns, "ghost", "  a: \"1\""), "create", "--dry-run=server", "-f", "-"), StringComparison.Ordinal);
        Assert.Contains("configmap/live configured (server dry run)", await Kubectl.OkWithInputAsync(ConfigMap(ns, "live", "  a: \"2\""), "apply", "--dry-run=server", "-f", "-"), StringComparison.Ordinal);
        Assert.Contains("serverside-applied (server dry run)", await Kubectl.OkWithInputAsync(ConfigMap(ns, "live", "  a: \"3\""), "apply", "--server-side", "--force-conflicts", "--dry-run=server", "-f", "-"), StringComparison.Ordinal);
        Assert.Contains("configmap \"live\" deleted (server dry run)", await Kubectl.OkAsync("delete", "configmap", "live", "-n", ns, "--dry-run=server"), StringComparison.Ordinal);

        Assert.False(await Kubectl.ExistsAsync("get", "configmap", "ghost", "-n", ns));
        var after = await Kubectl.GetJsonAsync("get", "configmap", "live", "-n", ns);
        Assert.Equal("1", after.Str("data", "a"));
        Assert.Equal(before.Str("metadata", "resourceVersion"), after.Str("metadata", "resourceVersion"));
        Assert.Equal(before.Str("metadata", "uid"), after.Str("metadata", "uid"));
    }

    [Fact]
    public async Task ServerDryRunDeleteOfNamespaceKeepsItActive()
    {
        var ns = await fixture.NewNamespaceAsync();

        await Kubectl.OkAsync("delete", "namespace", ns, "--dry-run=server");

        var nsObj = await Kubectl.GetJsonAsync("get", "namespace", ns);
        Assert.Equal("Active", nsObj.Str("status", "phase"));
        Assert.Null(nsObj["metadata"]!["deletionTimestamp"]);
    }
}
