using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Tests.Infrastructure;
using FluxSharp.Testing;

namespace FluxSharp.LocalCluster.Tests.Conformance;

/// <summary>kubectl label, annotate, patch (json, merge, strategic), replace and scale.</summary>
public sealed class MutationConformanceTests(LocalControlPlaneFixture fixture) : IClassFixture<LocalControlPlaneFixture>
{
    private Kubectl Kubectl => fixture.Kubectl;

    private async Task<string> ConfigMapAsync(string name)
    {
        var ns = await fixture.NewNamespaceAsync();
        await Kubectl.OkWithInputAsync(
            $$"""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: {{name}}, namespace: {{ns}}, labels: {app: demo} }
            data: {a: "1", b: "2"}
            """,
            "create", "-f", "-");
        return ns;
    }

    [Fact]
    public async Task LabelAddsRefusesToOverwriteWithoutFlagAndRemoves()
    {
        var ns = await ConfigMapAsync("labelled");

        Assert.Contains("configmap/labelled labeled", await Kubectl.OkAsync("label", "configmap", "labelled", "-n", ns, "team=blue"), StringComparison.Ordinal);
        var labelled = await Kubectl.GetJsonAsync("get", "configmap", "labelled", "-n", ns, "--show-managed-fields");
        Assert.NotNull(KubectlAssert.ManagedBy(labelled, "kubectl-label", "Update")?["fieldsV1"]?["f:metadata"]?["f:labels"]?["f:team"]);
        var refused = await Kubectl.FailsAsync(null, "label", "configmap", "labelled", "-n", ns, "team=red");
        Assert.Contains("'team' already has a value (blue), and --overwrite is false", refused.Stderr, StringComparison.Ordinal);
        await Kubectl.OkAsync("label", "configmap", "labelled", "-n", ns, "team=red", "--overwrite");
        Assert.Equal("red", (await Kubectl.GetJsonAsync("get", "configmap", "labelled", "-n", ns)).Str("metadata", "labels", "team"));

        Assert.Contains("configmap/labelled unlabeled", await Kubectl.OkAsync("label", "configmap", "labelled", "-n", ns, "team-"), StringComparison.Ordinal);

        var unlabelled = await Kubectl.GetJsonAsync("get", "configmap", "labelled", "-n", ns, "--show-managed-fields");
        Assert.Equal(["app"], unlabelled["metadata"]!["labels"]!.AsObject().Select(kv => kv.Key));

        // The label manager owns nothing any more, so its managedFields entry is dropped.
        Assert.Null(KubectlAssert.ManagedBy(unlabelled, "kubectl-label", "Update"));
    }

    [Fact]
    public async Task AnnotateAddsOverwritesAndRemoves()
    {
        var ns = await ConfigMapAsync("annotated");

        await Kubectl.OkAsync("annotate", "configmap", "annotated", "-n", ns, "note=first", "other=x");
        var refused = await Kubectl.FailsAsync(null, "annotate", "configmap", "annotated", "-n", ns, "note=second");
        Assert.Contains("--overwrite is false", refused.Stderr, StringComparison.Ordinal);
        await Kubectl.OkAsync("annotate", "configmap", "annotated", "-n", ns, "note=second", "--overwrite");
        await Kubectl.OkAsync("annotate", "configmap", "annotated", "-n", ns, "other-");

        var annotations = (await Kubectl.GetJsonAsync("get", "configmap", "annotated", "-n", ns))["metadata"]!["annotations"]!.AsObject();
        Assert.Equal("second", annotations.Str("note"));
        Assert.False(annotations.ContainsKey("other"));
    }

    [Fact]
    public async Task JsonPatchAddsReplacesRemovesAndFailsOnTestOp()
    {
        var ns = await ConfigMapAsync("jp");

        await Kubectl.OkAsync("patch", "configmap", "jp", "-n", ns, "--type=json", "-p", """[{"op":"add","path":"/data/c","value":"3"},{"op":"replace","path":"/data/a","value":"one"},{"op":"remove","path":"/data/b"}]""");

        var data = (await Kubectl.GetJsonAsync("get", "configmap", "jp", "-n", ns))["data"]!.AsObject();
        Assert.Equal(["a", "c"], data.Select(kv => kv.Key).Order());
        Assert.Equal("one", data.Str("a"));

        // The real server answers a failed JSON patch with a bare 422 (NewGenericServerResponse, no causes).
        var failed = await Kubectl.FailsAsync(null, "patch", "configmap", "jp", "-n", ns, "--type=json", "-p", """[{"op":"test","path":"/data/a","value":"nope"}]""");
        Assert.Contains("The request is invalid: the server rejected our request due to an error in our request", failed.Stderr, StringComparison.Ordinal);

        var missing = await Kubectl.FailsAsync(null, "patch", "configmap", "jp", "-n", ns, "--type=json", "-p", """[{"op":"remove","path":"/data/zzz"}]""");
        Assert.Contains("The request is invalid", missing.Stderr, StringComparison.Ordinal);
        Assert.Equal("one", (await Kubectl.GetJsonAsync("get", "configmap", "jp", "-n", ns)).Str("data", "a"));
    }

    [Fact]
    public async Task MergePatchSetsAndDeletesWithNull()
    {
        var ns = await ConfigMapAsync("mp");

        Assert.Contains("configmap/mp patched", await Kubectl.OkAsync("patch", "configmap", "mp", "-n", ns, "--type=merge", "-p", """{"data":{"a":null,"z":"26"},"metadata":{"labels":{"extra":"yes"}}}"""), StringComparison.Ordinal);

        var cm = await Kubectl.GetJsonAsync("get", "configmap", "mp", "-n", ns);
        Assert.Equal(["b", "z"], cm["data"]!.AsObject().Select(kv => kv.Key).Order());
        Assert.Equal("yes", cm.Str("metadata", "labels", "extra"));
        Assert.Equal("demo", cm.Str("metadata", "labels", "app"));

        Assert.Contains("configmap/mp patched (no change)", await Kubectl.OkAsync("patch", "configmap", "mp", "-n", ns, "--type=merge", "-p", """{"data":{"z":"26"}}"""), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StrategicPatchMergesDeploymentContainersByName()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Kubectl.OkWithInputAsync(
            $$"""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: {{ns}} }
            spec:
              replicas: 1
              selector: {matchLabels: {app: web} }
              template:
                metadata: {labels: {app: web} }
                spec:
                  containers:
                  - {name: nginx, image: "nginx:1.25", env: [{name: A, value: "1"}]}
                  - {name: sidecar, image: busybox}
            """,
            "apply", "-f", "-");
        var generation = long.Parse((await Kubectl.GetJsonAsync("get", "deployment", "web", "-n", ns)).Str("metadata", "generation")!, System.Globalization.CultureInfo.InvariantCulture);

        await Kubectl.OkAsync("patch", "deployment", "web", "-n", ns, "-p", """{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.27","env":[{"name":"B","value":"2"}]}]}}}}""");

        var deployment = await Kubectl.GetJsonAsync("get", "deployment", "web", "-n", ns);
        var containers = deployment["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        Assert.Equal(["nginx", "sidecar"], containers.Select(c => c.Str("name")));
        Assert.Equal("nginx:1.27", containers[0].Str("image"));
        Assert.Equal(["B", "A"], containers[0]!["env"]!.AsArray().Select(e => e.Str("name")));
        Assert.Equal("busybox", containers[1].Str("image"));
        Assert.Equal(generation + 1, long.Parse(deployment.Str("metadata", "generation")!, System.Globalization.CultureInfo.InvariantCulture));

        await Kubectl.OkAsync("patch", "deployment", "web", "-n", ns, "-p", """{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","$patch":"delete"}]}}}}""");
        var remaining = (await Kubectl.GetJsonAsync("get", "deployment", "web", "-n", ns))["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        Assert.Equal(["nginx"], remaining.Select(c => c.Str("name")));
    }

    [Fact]
    public async Task ReplaceWithStaleResourceVersionIsAConflict()
    {
        var ns = await ConfigMapAsync("stale");
        var snapshot = await Kubectl.OkAsync("get", "configmap", "stale", "-n", ns, "-o", "json");
        await Kubectl.OkAsync("label", "configmap", "stale", "-n", ns, "bumped=yes");

        var conflict = await Kubectl.FailsAsync(snapshot, "replace", "-f", "-");

        Assert.Contains($"Error from server (Conflict): error when replacing \"STDIN\": Operation cannot be fulfilled on configmaps \"stale\": the object has been modified; please apply your changes to the latest version and try again", conflict.Stderr, StringComparison.Ordinal);
        Assert.Equal("yes", (await Kubectl.GetJsonAsync("get", "configmap", "stale", "-n", ns)).Str("metadata", "labels", "bumped"));
    }

    [Fact]
    public async Task ReplaceWithCurrentVersionUpdatesAndForceRecreates()
    {
        var ns = await ConfigMapAsync("swap");
        var live = await Kubectl.GetJsonAsync("get", "configmap", "swap", "-n", ns);
        live["data"] = new JsonObject { ["only"] = "this" };

        Assert.Contains("configmap/swap replaced", await Kubectl.OkWithInputAsync(live.ToJsonString(), "replace", "-f", "-"), StringComparison.Ordinal);
        var replaced = await Kubectl.GetJsonAsync("get", "configmap", "swap", "-n", ns);
        Assert.Equal(["only"], replaced["data"]!.AsObject().Select(kv => kv.Key));
        Assert.Equal(live.Str("metadata", "uid"), replaced.Str("metadata", "uid"));

        // --force deletes and creates: the stale resourceVersion no longer matters and the uid changes.
        var forced = await Kubectl.OkWithInputAsync(live.ToJsonString(), "replace", "--force", "-f", "-");
        Assert.Contains("configmap \"swap\" deleted", forced, StringComparison.Ordinal);
        Assert.Contains("configmap/swap replaced", forced, StringComparison.Ordinal);
        Assert.NotEqual(live.Str("metadata", "uid"), (await Kubectl.GetJsonAsync("get", "configmap", "swap", "-n", ns)).Str("metadata", "uid"));
    }

    [Fact]
    public async Task ScaleChangesReplicasThroughTheScaleSubresource()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Kubectl.OkWithInputAsync(
            $$"""
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db, namespace: {{ns}} }
            spec:
              replicas: 1
              serviceName: db
              selector: {matchLabels: {app: db} }
              template:
                metadata: {labels: {app: db} }
                spec:
                  containers: [{name: db, image: postgres}]
            """,
            "apply", "-f", "-");

        Assert.Contains("statefulset.apps/db scaled", await Kubectl.OkAsync("scale", "statefulset", "db", "-n", ns, "--replicas=3"), StringComparison.Ordinal);
        var precondition = await Kubectl.FailsAsync(null, "scale", "statefulset", "db", "-n", ns, "--current-replicas=1", "--replicas=5");
        Assert.Contains("Expected replicas to be 1, was 3", precondition.Stderr, StringComparison.Ordinal);

        await Kubectl.OkAsync("wait", "--for=jsonpath={.status.readyReplicas}=3", "statefulset/db", "-n", ns, "--timeout=15s");
        var sts = await Kubectl.GetJsonAsync("get", "statefulset", "db", "-n", ns, "--show-managed-fields");
        Assert.Equal("3", sts.Str("spec", "replicas"));
        var scaler = (sts["metadata"]!["managedFields"]!.AsArray()).OfType<JsonObject>().Single(e => e.Str("subresource") == "scale");
        Assert.Equal("kubectl", scaler.Str("manager"));
        Assert.NotNull(scaler["fieldsV1"]!["f:spec"]!["f:replicas"]);
    }
}
