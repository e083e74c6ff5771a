using System.Net;
using k8s;
using k8s.Models;

namespace FluxSharp.LocalCluster.Tests.Client;

/// <summary>Adds impersonation headers to every request.</summary>
internal sealed class ImpersonationHandler(string user, params string[] groups) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.TryAddWithoutValidation("Impersonate-User", user);
        foreach (var g in groups)
        {
            request.Headers.TryAddWithoutValidation("Impersonate-Group", g);
        }

        return base.SendAsync(request, cancellationToken);
    }
}

public sealed class ImpersonationTests(ClientFixture fx) : IClassFixture<ClientFixture>
{
    private Kubernetes Admin => fx.Client;

    [Fact]
    public async Task Impersonated_user_is_forbidden_until_a_role_binding_allows_it()
    {
        var ns = await fx.NewClientNamespaceAsync();
        await Admin.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "visible" } }, ns);
        using var jane = fx.NewClient(new ImpersonationHandler("jane"));

        var (code, status) = await ApiError.CatchAsync(() => jane.CoreV1.ListNamespacedConfigMapAsync(ns));
        Assert.Equal(HttpStatusCode.Forbidden, code);
        Assert.Equal("Forbidden", status.Reason);
        Assert.Contains("User \"jane\" cannot list resource \"configmaps\"", status.Message, StringComparison.Ordinal);

        await Admin.RbacAuthorizationV1.CreateNamespacedRoleAsync(
            new V1Role { Metadata = new V1ObjectMeta { Name = "cm-reader" }, Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["configmaps"], Verbs = ["get", "list", "watch"] }] },
            ns);
        await Admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(
            new V1RoleBinding
            {
                Metadata = new V1ObjectMeta { Name = "jane-reads" },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "cm-reader" },
                Subjects = [new Rbacv1Subject { Kind = "User", Name = "jane", ApiGroup = "rbac.authorization.k8s.io" }],
            },
            ns);

        var list = await jane.CoreV1.ListNamespacedConfigMapAsync(ns);
        Assert.Equal("visible", Assert.Single(list.Items).Metadata.Name);
        Assert.Equal("visible", (await jane.CoreV1.ReadNamespacedConfigMapAsync("visible", ns)).Metadata.Name);

        // The role grants reads only, and only in this namespace.
        var (writeCode, _) = await ApiError.CatchAsync(() => jane.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "nope" } }, ns));
        Assert.Equal(HttpStatusCode.Forbidden, writeCode);
        var (otherCode, _) = await ApiError.CatchAsync(() => jane.CoreV1.ListNamespacedConfigMapAsync("default"));
        Assert.Equal(HttpStatusCode.Forbidden, otherCode);
    }

    [Fact]
    public async Task Impersonated_service_account_is_allowed_by_a_cluster_role_binding_to_it()
    {
        var ns = await fx.NewClientNamespaceAsync();
        using var sa = fx.NewClient(new ImpersonationHandler($"system:serviceaccount:{ns}:deployer"));
        var (code, _) = await ApiError.CatchAsync(() => sa.AppsV1.ListNamespacedDeploymentAsync(ns));
        Assert.Equal(HttpStatusCode.Forbidden, code);

        await Admin.RbacAuthorizationV1.CreateClusterRoleBindingAsync(new V1ClusterRoleBinding
        {
            Metadata = new V1ObjectMeta { Name = $"{ns}-deployer-admin" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = "cluster-admin" },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = "deployer", NamespaceProperty = ns }],
        });

        var created = await sa.AppsV1.CreateNamespacedDeploymentAsync(Workloads.Deployment("by-sa"), ns);
        Assert.Equal("by-sa", created.Metadata.Name);
    }

    [Fact]
    public async Task Impersonated_group_membership_grants_access()
    {
        var ns = await fx.NewClientNamespaceAsync();
        await Admin.RbacAuthorizationV1.CreateClusterRoleAsync(new V1ClusterRole
        {
            Metadata = new V1ObjectMeta { Name = $"{ns}-cm-editor" },
            Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["configmaps"], Verbs = ["*"] }],
        });
        await Admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(
            new V1RoleBinding
            {
                Metadata = new V1ObjectMeta { Name = "editors" },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = $"{ns}-cm-editor" },
                Subjects = [new Rbacv1Subject { Kind = "Group", Name = "team-a", ApiGroup = "rbac.authorization.k8s.io" }],
            },
            ns);
        using var member = fx.NewClient(new ImpersonationHandler("bob", "team-a"));
        using var outsider = fx.NewClient(new ImpersonationHandler("bob", "team-b"));
        await member.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "by-group" } }, ns);
        var (code, _) = await ApiError.CatchAsync(() => outsider.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "by-outsider" } }, ns));
        Assert.Equal(HttpStatusCode.Forbidden, code);
    }
}

/// <summary>Serves HTTPS with a self-signed certificate whose CA is in the kubeconfig.</summary>
public sealed class TlsFixture : ClientFixture
{
    protected override LocalControlPlaneOptions Options => new() { Tls = true };
}

public sealed class TlsTests(TlsFixture fx) : IClassFixture<TlsFixture>
{
    [Fact]
    public async Task Client_trusts_the_kubeconfig_ca_and_talks_https()
    {
        Assert.Equal("https", fx.Plane.BaseUrl.Scheme);
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(fx.KubeconfigPath);
        Assert.False(config.SkipTlsVerify);
        Assert.NotNull(config.SslCaCerts);

        var ns = await fx.NewClientNamespaceAsync();
        var cm = await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "tls" } }, ns);
        Assert.Equal("tls", (await fx.Client.CoreV1.ReadNamespacedConfigMapAsync("tls", ns)).Metadata.Name);
        Assert.False(string.IsNullOrEmpty(cm.Metadata.Uid));

        // A watch works over TLS too; without a resourceVersion it starts with the current objects.
        await using var watch = await ConfigMapWatch.StartAsync(fx.Client, ns, fromNow: false);
        Assert.Equal(k8s.WatchEventType.Added, (await watch.NextAsync()).Type);
        await fx.Client.CoreV1.DeleteNamespacedConfigMapAsync("tls", ns);
        Assert.Equal(k8s.WatchEventType.Deleted, (await watch.NextAsync()).Type);
    }

    [Fact]
    public async Task Client_without_the_ca_rejects_the_certificate()
    {
        using var untrusting = new Kubernetes(new KubernetesClientConfiguration { Host = fx.Plane.BaseUrl.ToString(), AccessToken = fx.Plane.AdminToken });
        var e = await Assert.ThrowsAsync<HttpRequestException>(() => untrusting.CoreV1.ListNamespaceAsync());
        Assert.NotNull(e.InnerException);
    }
}

public sealed class PersistenceTests
{
    [Fact]
    public async Task Restarted_plane_with_a_state_dir_keeps_objects_and_resource_versions_move_forward()
    {
        var dir = Path.Combine(Path.GetTempPath(), "fluxsharp-tests", "state-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            string uid;
            long rvBefore;
            var options = new LocalControlPlaneOptions { StateDir = dir };
            await using (var plane = await LocalControlPlane.StartAsync(options))
            {
                using var client = ClientFor(plane);
                await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "kept" } });
                var cm = await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "survivor" }, Data = new Dictionary<string, string> { ["k"] = "v" } }, "kept");
                var patched = await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"data\":{\"k\":\"v2\"}}", V1Patch.PatchType.MergePatch), "survivor", "kept");
                uid = cm.Metadata.Uid;
                rvBefore = long.Parse(patched.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture);
            }

            await using (var plane = await LocalControlPlane.StartAsync(options))
            {
                using var client = ClientFor(plane);
                var cm = await client.CoreV1.ReadNamespacedConfigMapAsync("survivor", "kept");
                Assert.Equal(uid, cm.Metadata.Uid);
                Assert.Equal("v2", cm.Data["k"]);
                Assert.Equal(rvBefore, long.Parse(cm.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture));
                Assert.Equal("Active", (await client.CoreV1.ReadNamespaceAsync("kept")).Status.Phase);

                var next = await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "newer" } }, "kept");
                Assert.True(long.Parse(next.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture) > rvBefore);
                var list = await client.CoreV1.ListNamespacedConfigMapAsync("kept");
                Assert.Equal(["newer", "survivor"], list.Items.Select(i => i.Metadata.Name));
            }
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    private static Kubernetes ClientFor(LocalControlPlane plane)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(plane.Kubeconfig));
        return new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(stream));
    }
}

public sealed class WorkloadSimulatorTests(ClientFixture fx) : IClassFixture<ClientFixture>
{
    private Kubernetes Client => fx.Client;

    [Fact]
    public async Task Failing_deployment_reports_progress_deadline_exceeded_and_recovers()
    {
        var ns = await fx.NewClientNamespaceAsync();
        fx.Plane.Simulator.SetFailing("Deployment", ns, "broken");
        await Client.AppsV1.CreateNamespacedDeploymentAsync(Workloads.Deployment("broken", replicas: 2), ns);
        var failed = await Eventually.GetAsync(
            async () =>
            {
                var d = await Client.AppsV1.ReadNamespacedDeploymentAsync("broken", ns);
                return d.Status?.Conditions?.FirstOrDefault(c => c.Type == "Progressing" && c.Status == "False");
            },
            "Progressing=False");
        Assert.Equal("ProgressDeadlineExceeded", failed.Reason);
        var status = (await Client.AppsV1.ReadNamespacedDeploymentAsync("broken", ns)).Status;
        Assert.NotEqual(2, status.ReadyReplicas ?? 0);

        fx.Plane.Simulator.SetFailing("Deployment", ns, "broken", failing: false);
        await Eventually.TrueAsync(
            async () =>
            {
                var d = await Client.AppsV1.ReadNamespacedDeploymentAsync("broken", ns);
                return d.Status?.ReadyReplicas == 2 && d.Status.Conditions.Any(c => c.Type == "Progressing" && c.Status == "True");
            },
            "deployment recovered");
    }

    [Fact]
    public async Task Jobs_complete()
    {
        var ns = await fx.NewClientNamespaceAsync();
        var job = new V1Job
        {
            Metadata = new V1ObjectMeta { Name = "once" },
            Spec = new V1JobSpec
            {
                Template = new V1PodTemplateSpec { Spec = new V1PodSpec { RestartPolicy = "Never", Containers = [new V1Container { Name = "main", Image = "busybox:1.36", Command = ["true"] }] } },
            },
        };
        await Client.BatchV1.CreateNamespacedJobAsync(job, ns);
        var done = await Eventually.GetAsync(
            async () =>
            {
                var j = await Client.BatchV1.ReadNamespacedJobAsync("once", ns);
                return j.Status?.Conditions?.Any(c => c.Type == "Complete" && c.Status == "True") == true ? j : null;
            },
            "job complete");
        Assert.Equal(1, done.Status.Succeeded);
        Assert.NotNull(done.Status.CompletionTime);
    }

    [Fact]
    public async Task Failing_job_reports_failed()
    {
        var ns = await fx.NewClientNamespaceAsync();
        fx.Plane.Simulator.SetFailing("Job", ns, "bad");
        await Client.BatchV1.CreateNamespacedJobAsync(
            new V1Job { Metadata = new V1ObjectMeta { Name = "bad" }, Spec = new V1JobSpec { Template = new V1PodTemplateSpec { Spec = new V1PodSpec { RestartPolicy = "Never", Containers = [new V1Container { Name = "main", Image = "busybox:1.36" }] } } } },
            ns);
        var failed = await Eventually.GetAsync(
            async () => (await Client.BatchV1.ReadNamespacedJobAsync("bad", ns)).Status?.Conditions?.FirstOrDefault(c => c.Type == "Failed" && c.Status == "True"),
            "job failed");
        Assert.Equal("BackoffLimitExceeded", failed.Reason);
    }
}
