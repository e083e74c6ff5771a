using FluxSharp.LocalCluster.Tests.Infrastructure;
using FluxSharp.Testing;

namespace FluxSharp.LocalCluster.Tests.Conformance;

/// <summary>kubectl delete with cascade policies, namespace deletion, and kubectl wait.</summary>
public sealed class DeletionConformanceTests(LocalControlPlaneFixture fixture) : IClassFixture<LocalControlPlaneFixture>
{
    private Kubectl Kubectl => fixture.Kubectl;

    /// <summary>An owner ConfigMap with two ConfigMap dependents and one Secret dependent; returns the owner's uid.</summary>
    private async Task<string> OwnerWithDependentsAsync(string ns, string holdFinalizerOn = "")
    {
        await Kubectl.OkWithInputAsync($"{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"owner\",\"namespace\":\"{ns}\"}}}}", "create", "-f", "-");
        var uid = (await Kubectl.GetJsonAsync("get", "configmap", "owner", "-n", ns)).Str("metadata", "uid")!;
        string OwnerRef() => $"ownerReferences: [{{apiVersion: v1, kind: ConfigMap, name: owner, uid: {uid}, blockOwnerDeletion: true}}]";
        string Finalizers(string name) => name == holdFinalizerOn ? ", finalizers: [example.com/hold]" : string.Empty;
        await Kubectl.OkWithInputAsync(
            $$"""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: dep-1, namespace: {{ns}}, {{OwnerRef()}}{{Finalizers("dep-1")}} }
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: dep-2, namespace: {{ns}}, {{OwnerRef()}}{{Finalizers("dep-2")}} }
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: dep-secret, namespace: {{ns}}, {{OwnerRef()}}{{Finalizers("dep-secret")}} }
            stringData: {k: v}
            """,
            "create", "-f", "-");
        return uid;
    }

    [Fact]
    public async Task DeleteWithBackgroundCascadeRemovesDependents()
    {
        var ns = await fixture.NewNamespaceAsync();
        await OwnerWithDependentsAsync(ns);

        Assert.Contains("configmap \"owner\" deleted", await Kubectl.OkAsync("delete", "configmap", "owner", "-n", ns, "--cascade=background"), StringComparison.Ordinal);

        await KubectlAssert.EventuallyAsync(
            async () => !await Kubectl.ExistsAsync("get", "configmap", "dep-1", "-n", ns)
                && !await Kubectl.ExistsAsync("get", "configmap", "dep-2", "-n", ns)
                && !await Kubectl.ExistsAsync("get", "secret", "dep-secret", "-n", ns),
            "dependents garbage-collected after a background delete");
    }

    [Fact]
    public async Task DeleteWithOrphanCascadeKeepsDependentsWithoutOwnerReference()
    {
        var ns = await fixture.NewNamespaceAsync();
        await OwnerWithDependentsAsync(ns);

        await Kubectl.OkAsync("delete", "configmap", "owner", "-n", ns, "--cascade=orphan");

        Assert.False(await Kubectl.ExistsAsync("get", "configmap", "owner", "-n", ns));
        foreach (var (kind, name) in new[] { ("configmap", "dep-1"), ("configmap", "dep-2"), ("secret", "dep-secret") })
        {
            var dependent = await Kubectl.GetJsonAsync("get", kind, name, "-n", ns);
            Assert.Null(dependent["metadata"]!["ownerReferences"]);
        }
    }

    [Fact]
    public async Task DeleteWithForegroundCascadeRemovesOwnerOnlyAfterDependents()
    {
        var ns = await fixture.NewNamespaceAsync();
        await OwnerWithDependentsAsync(ns, holdFinalizerOn: "dep-secret");

        await Kubectl.OkAsync("delete", "configmap", "owner", "-n", ns, "--cascade=foreground", "--wait=false");

        // The held dependent keeps the owner in foreground deletion; the others are gone.
        await KubectlAssert.EventuallyAsync(
            async () => !await Kubectl.ExistsAsync("get", "configmap", "dep-1", "-n", ns) && !await Kubectl.ExistsAsync("get", "configmap", "dep-2", "-n", ns),
            "unblocked dependents deleted");
        var held = await Kubectl.GetJsonAsync("get", "secret", "dep-secret", "-n", ns);
        Assert.NotNull(held["metadata"]!["deletionTimestamp"]);
        var owner = await Kubectl.GetJsonAsync("get", "configmap", "owner", "-n", ns);
        Assert.NotNull(owner["metadata"]!["deletionTimestamp"]);
        Assert.Contains("foregroundDeletion", owner["metadata"]!["finalizers"]!.AsArray().Select(f => f!.GetValue<string>()));

        await Kubectl.OkAsync("patch", "secret", "dep-secret", "-n", ns, "--type=json", "-p", """[{"op":"remove","path":"/metadata/finalizers"}]""");

        await Kubectl.OkAsync("wait", "--for=delete", "configmap/owner", "-n", ns, "--timeout=15s");
        Assert.False(await Kubectl.ExistsAsync("get", "secret", "dep-secret", "-n", ns));
    }

    [Fact]
    public async Task DeleteWithForegroundCascadeAndWaitReturnsWhenEverythingIsGone()
    {
        var ns = await fixture.NewNamespaceAsync();
        await OwnerWithDependentsAsync(ns);

        await Kubectl.OkAsync("delete", "configmap", "owner", "-n", ns, "--cascade=foreground", "--timeout=15s");

        Assert.False(await Kubectl.ExistsAsync("get", "configmap", "owner", "-n", ns));
        Assert.False(await Kubectl.ExistsAsync("get", "configmap", "dep-1", "-n", ns));
        Assert.False(await Kubectl.ExistsAsync("get", "secret", "dep-secret", "-n", ns));
    }

    [Fact]
    public async Task DeletingNamespaceRemovesItsContents()
    {
        var ns = await fixture.NewNamespaceAsync("doomed");
        var other = await fixture.NewNamespaceAsync("kept");
        foreach (var target in new[] { ns, other })
        {
            await Kubectl.OkWithInputAsync(
                $$"""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: content, namespace: {{target}} }
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: content, namespace: {{target}} }
                stringData: {k: v}
                """,
                "apply", "-f", "-");
        }

        Assert.Contains($"namespace \"{ns}\" deleted", await Kubectl.OkAsync("delete", "namespace", ns, "--wait", "--timeout=20s"), StringComparison.Ordinal);

        Assert.False(await Kubectl.ExistsAsync("get", "namespace", ns));
        var leftovers = await Kubectl.GetJsonAsync("get", "configmaps,secrets", "-A", "--field-selector", $"metadata.namespace={ns}");
        Assert.Empty(leftovers["items"]!.AsArray());
        Assert.True(await Kubectl.ExistsAsync("get", "configmap", "content", "-n", other));
    }

    [Fact]
    public async Task CreatingInTerminatingNamespaceIsForbidden()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Kubectl.OkWithInputAsync($"{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"held\",\"namespace\":\"{ns}\",\"finalizers\":[\"example.com/hold\"]}}}}", "create", "-f", "-");
        await Kubectl.OkAsync("delete", "namespace", ns, "--wait=false");
        await KubectlAssert.EventuallyAsync(
            async () => (await Kubectl.GetJsonAsync("get", "namespace", ns)).Str("status", "phase") == "Terminating",
            "namespace shows Terminating");

        var refused = await Kubectl.FailsAsync($"{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"late\",\"namespace\":\"{ns}\"}}}}", "create", "-f", "-");
        Assert.Contains($"unable to create new content in namespace {ns} because it is being terminated", refused.Stderr, StringComparison.Ordinal);

        await Kubectl.OkAsync("patch", "configmap", "held", "-n", ns, "--type=merge", "-p", """{"metadata":{"finalizers":null}}""");
        await Kubectl.OkAsync("wait", "--for=delete", $"namespace/{ns}", "--timeout=20s");
    }

    [Fact]
    public async Task WaitForConditionAvailableOnDeployment()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Kubectl.OkWithInputAsync(
            $$"""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: {{ns}} }
            spec:
              replicas: 3
              selector: {matchLabels: {app: web} }
              template:
                metadata: {labels: {app: web} }
                spec:
                  containers: [{name: nginx, image: "nginx:1.25"}]
            """,
            "apply", "-f", "-");

        Assert.Contains("deployment.apps/web condition met", await Kubectl.OkAsync("wait", "--for=condition=Available", "deployment/web", "-n", ns, "--timeout=15s"), StringComparison.Ordinal);

        var deployment = await Kubectl.GetJsonAsync("get", "deployment", "web", "-n", ns);
        Assert.Equal("3", deployment.Str("status", "availableReplicas"));
        Assert.Equal(deployment.Str("metadata", "generation"), deployment.Str("status", "observedGeneration"));
    }

    [Fact]
    public async Task WaitForConditionTimesOutOnFailingDeployment()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Kubectl.OkWithInputAsync(
            $$"""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: broken
              namespace: {{ns}}
              annotations: {local.fluxsharp.dev/simulate: fail}
            spec:
              replicas: 1
              selector: {matchLabels: {app: broken} }
              template:
                metadata: {labels: {app: broken} }
                spec:
                  containers: [{name: nginx, image: "nginx:1.25"}]
            """,
            "apply", "-f", "-");

        var result = await Kubectl.FailsAsync(null, "wait", "--for=condition=Available", "deployment/broken", "-n", ns, "--timeout=1s");

        Assert.Contains("timed out waiting for the condition on deployments/broken", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitForJsonPathOnStatusAndForDelete()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Kubectl.OkWithInputAsync(
            $$"""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: once, namespace: {{ns}} }
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers: [{name: run, image: busybox}]
            """,
            "apply", "-f", "-");

        Assert.Contains("job.batch/once condition met", await Kubectl.OkAsync("wait", "--for=jsonpath={.status.succeeded}=1", "job/once", "-n", ns, "--timeout=15s"), StringComparison.Ordinal);
        await Kubectl.OkAsync("wait", "--for=condition=Complete", "job/once", "-n", ns, "--timeout=15s");

        await Kubectl.OkAsync("delete", "job", "once", "-n", ns, "--wait=false");
        await Kubectl.OkAsync("wait", "--for=delete", "job/once", "-n", ns, "--timeout=15s");
        Assert.False(await Kubectl.ExistsAsync("get", "job", "once", "-n", ns));
    }
}
