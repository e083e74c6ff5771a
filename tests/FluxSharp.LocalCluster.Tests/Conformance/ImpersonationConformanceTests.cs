using FluxSharp.LocalCluster.Tests.Infrastructure;
using FluxSharp.Testing;

namespace FluxSharp.LocalCluster.Tests.Conformance;

/// <summary>kubectl --as / --as-group against RBAC: denied with the real Forbidden wording, allowed once bound.</summary>
public sealed class ImpersonationConformanceTests(LocalControlPlaneFixture fixture) : IClassFixture<LocalControlPlaneFixture>
{
    private Kubectl Kubectl => fixture.Kubectl;

    private Task BindAsync(string ns, string subject) => Kubectl.OkWithInputAsync(
        $$"""
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: cm-reader, namespace: {{ns}} }
        rules:
        - {apiGroups: [""], resources: [configmaps], verbs: [get, list, watch]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: cm-reader, namespace: {{ns}} }
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: cm-reader}
        subjects:
        - {{subject}}
        """,
        "apply", "-f", "-");

    private async Task<string> NamespaceWithConfigMapAsync()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Kubectl.OkWithInputAsync($"{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"app\",\"namespace\":\"{ns}\"}}}}", "create", "-f", "-");
        return ns;
    }

    [Fact]
    public async Task ServiceAccountIsForbiddenUntilRoleBindingGrantsAccess()
    {
        var ns = await NamespaceWithConfigMapAsync();
        var sa = $"system:serviceaccount:{ns}:deployer";

        var denied = await Kubectl.FailsAsync(null, "get", "configmaps", "-n", ns, $"--as={sa}");
        Assert.Equal(1, denied.ExitCode);
        Assert.Contains($"Error from server (Forbidden): configmaps is forbidden: User \"{sa}\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"{ns}\"", denied.Stderr, StringComparison.Ordinal);

        await BindAsync(ns, $"{{kind: ServiceAccount, name: deployer, namespace: {ns}}}");

        Assert.Equal("configmap/app", (await Kubectl.OkAsync("get", "configmaps", "-n", ns, $"--as={sa}", "-o", "name")).Trim());
        var write = await Kubectl.FailsAsync(null, "delete", "configmap", "app", "-n", ns, $"--as={sa}");
        Assert.Contains($"configmaps \"app\" is forbidden: User \"{sa}\" cannot delete resource \"configmaps\" in API group \"\" in the namespace \"{ns}\"", write.Stderr, StringComparison.Ordinal);
        var otherNs = await Kubectl.FailsAsync(null, "get", "configmaps", "-n", "default", $"--as={sa}");
        Assert.Contains("in the namespace \"default\"", otherNs.Stderr, StringComparison.Ordinal);
        Assert.True(await Kubectl.ExistsAsync("get", "configmap", "app", "-n", ns));
    }

    [Fact]
    public async Task GroupBindingAppliesToImpersonatedGroupOnly()
    {
        var ns = await NamespaceWithConfigMapAsync();
        await BindAsync(ns, "{kind: Group, name: readers, apiGroup: rbac.authorization.k8s.io}");

        var withoutGroup = await Kubectl.FailsAsync(null, "get", "configmap", "app", "-n", ns, "--as=alice");
        Assert.Contains($"configmaps \"app\" is forbidden: User \"alice\" cannot get resource \"configmaps\" in API group \"\" in the namespace \"{ns}\"", withoutGroup.Stderr, StringComparison.Ordinal);

        Assert.Equal("configmap/app", (await Kubectl.OkAsync("get", "configmap", "app", "-n", ns, "--as=alice", "--as-group=readers", "-o", "name")).Trim());
    }

    [Fact]
    public async Task ClusterScopedDenialNamesNoNamespace()
    {
        var denied = await Kubectl.FailsAsync(null, "get", "namespaces", "--as=bob");

        Assert.Contains("Error from server (Forbidden): namespaces is forbidden: User \"bob\" cannot list resource \"namespaces\" in API group \"\" at the cluster scope", denied.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RoleBindingToClusterAdminGrantsWritesOnlyInItsNamespace()
    {
        var ns = await fixture.NewNamespaceAsync();
        var elsewhere = await fixture.NewNamespaceAsync();
        await Kubectl.OkWithInputAsync(
            $$"""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: tenant-admin, namespace: {{ns}} }
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
            subjects:
            - {kind: User, name: carol, apiGroup: rbac.authorization.k8s.io}
            """,
            "apply", "-f", "-");

        await Kubectl.OkWithInputAsync($"{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"by-carol\",\"namespace\":\"{ns}\"}}}}", "apply", "-f", "-", "--as=carol");

        Assert.True(await Kubectl.ExistsAsync("get", "configmap", "by-carol", "-n", ns));
        var outside = await Kubectl.FailsAsync($"{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"by-carol\",\"namespace\":\"{elsewhere}\"}}}}", "create", "-f", "-", "--as=carol");
        Assert.Contains($"configmaps is forbidden: User \"carol\" cannot create resource \"configmaps\" in API group \"\" in the namespace \"{elsewhere}\"", outside.Stderr, StringComparison.Ordinal);
        Assert.False(await Kubectl.ExistsAsync("get", "configmap", "by-carol", "-n", elsewhere));
    }

    [Fact]
    public async Task AuthCanIAndWhoAmIAnswerFromRbacAndTheImpersonatedIdentity()
    {
        var ns = await NamespaceWithConfigMapAsync();
        var sa = $"system:serviceaccount:{ns}:viewer";
        Assert.Equal("yes", (await Kubectl.OkAsync("auth", "can-i", "delete", "deployments", "-n", ns)).Trim());

        var before = await Kubectl.RunAsync("auth", "can-i", "list", "configmaps", "-n", ns, $"--as={sa}");
        Assert.Equal(1, before.ExitCode);
        Assert.Equal("no", before.Stdout.Trim());

        await BindAsync(ns, $"{{kind: ServiceAccount, name: viewer, namespace: {ns}}}");
        Assert.Equal("yes", (await Kubectl.OkAsync("auth", "can-i", "list", "configmaps", "-n", ns, $"--as={sa}")).Trim());
        Assert.Equal("no", (await Kubectl.RunAsync("auth", "can-i", "delete", "configmaps", "-n", ns, $"--as={sa}")).Stdout.Trim());

        var whoami = await Kubectl.GetJsonAsync("auth", "whoami", "--as=jane", "--as-group=devs");
        Assert.Equal("jane", whoami.Str("status", "userInfo", "username"));
        Assert.Contains("devs", whoami["status"]!["userInfo"]!["groups"]!.AsArray().Select(g => (string?)g));
    }
}
