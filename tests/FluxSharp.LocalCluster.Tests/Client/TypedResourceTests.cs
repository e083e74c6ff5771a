using System.Text;
using k8s;
using k8s.Models;

namespace FluxSharp.LocalCluster.Tests.Client;

public sealed class TypedResourceTests(ClientFixture fx) : IClassFixture<ClientFixture>
{
    private Kubernetes Client => fx.Client;

    private static V1ConfigMap ConfigMap(string name, Dictionary<string, string> data) =>
        new() { Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = "demo" } }, Data = data };

    [Fact]
    public async Task ConfigMap_create_get_list_replace_delete_round_trips()
    {
        var ns = await fx.NewClientNamespaceAsync();
        var created = await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("cm", new() { ["a"] = "1" }), ns);
        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));
        Assert.False(string.IsNullOrEmpty(created.Metadata.ResourceVersion));
        Assert.NotNull(created.Metadata.CreationTimestamp);
        Assert.Equal(ns, created.Metadata.NamespaceProperty);

        var got = await Client.CoreV1.ReadNamespacedConfigMapAsync("cm", ns);
        Assert.Equal("1", got.Data["a"]);
        Assert.Equal(created.Metadata.Uid, got.Metadata.Uid);

        var list = await Client.CoreV1.ListNamespacedConfigMapAsync(ns, labelSelector: "app=demo");
        Assert.Equal("cm", Assert.Single(list.Items).Metadata.Name);
        Assert.False(string.IsNullOrEmpty(list.Metadata.ResourceVersion));
        Assert.Empty((await Client.CoreV1.ListNamespacedConfigMapAsync(ns, labelSelector: "app=other")).Items);

        got.Data["b"] = "2";
        var replaced = await Client.CoreV1.ReplaceNamespacedConfigMapAsync(got, "cm", ns);
        Assert.Equal("2", replaced.Data["b"]);
        Assert.True(long.Parse(replaced.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture) > long.Parse(created.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture));

        var status = await Client.CoreV1.DeleteNamespacedConfigMapAsync("cm", ns);
        Assert.Equal("Success", status.Status);
        await Eventually.GoneAsync(() => Client.CoreV1.ReadNamespacedConfigMapAsync("cm", ns), "configmap deleted");
    }

    [Fact]
    public async Task ConfigMap_merge_strategic_and_json_patches_apply()
    {
        var ns = await fx.NewClientNamespaceAsync();
        await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("cm", new() { ["a"] = "1", ["b"] = "2" }), ns);

        var merged = await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"data\":{\"a\":null,\"c\":\"3\"}}", V1Patch.PatchType.MergePatch), "cm", ns);
        Assert.False(merged.Data.ContainsKey("a"));
        Assert.Equal("3", merged.Data["c"]);

        var strategic = await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"metadata\":{\"labels\":{\"tier\":\"web\"}}}", V1Patch.PatchType.StrategicMergePatch), "cm", ns);
        Assert.Equal("web", strategic.Metadata.Labels["tier"]);
        Assert.Equal("demo", strategic.Metadata.Labels["app"]);

        var json = await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("[{\"op\":\"replace\",\"path\":\"/data/b\",\"value\":\"20\"},{\"op\":\"remove\",\"path\":\"/data/c\"}]", V1Patch.PatchType.JsonPatch), "cm", ns);
        Assert.Equal(new Dictionary<string, string> { ["b"] = "20" }, json.Data);
    }

    [Fact]
    public async Task ConfigMap_server_side_apply_creates_and_updates_with_field_manager()
    {
        var ns = await fx.NewClientNamespaceAsync();
        var body = new V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new V1ObjectMeta { Name = "applied", NamespaceProperty = ns }, Data = new Dictionary<string, string> { ["k"] = "v1" } };
        var created = await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(body, V1Patch.PatchType.ApplyPatch), "applied", ns, fieldManager: "tester", force: true);
        Assert.Equal("v1", created.Data["k"]);
        var entry = Assert.Single(created.Metadata.ManagedFields);
        Assert.Equal("tester", entry.Manager);
        Assert.Equal("Apply", entry.Operation);

        body.Data["k"] = "v2";
        var updated = await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(body, V1Patch.PatchType.ApplyPatch), "applied", ns, fieldManager: "tester", force: true);
        Assert.Equal("v2", updated.Data["k"]);
        Assert.Equal(created.Metadata.Uid, updated.Metadata.Uid);
    }

    [Fact]
    public async Task Secret_string_data_is_folded_into_data()
    {
        var ns = await fx.NewClientNamespaceAsync();
        var secret = new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "s" },
            StringData = new Dictionary<string, string> { ["password"] = "hunter2" },
            Data = new Dictionary<string, byte[]> { ["user"] = Encoding.UTF8.GetBytes("admin") },
        };
        var created = await Client.CoreV1.CreateNamespacedSecretAsync(secret, ns);
        Assert.Null(created.StringData);
        Assert.Equal("hunter2", Encoding.UTF8.GetString(created.Data["password"]));
        Assert.Equal("admin", Encoding.UTF8.GetString(created.Data["user"]));
        Assert.Equal("Opaque", created.Type);

        var got = await Client.CoreV1.ReadNamespacedSecretAsync("s", ns);
        Assert.Null(got.StringData);
        Assert.Equal("hunter2", Encoding.UTF8.GetString(got.Data["password"]));
    }

    [Fact]
    public async Task Deployment_becomes_ready_and_available_through_the_simulator()
    {
        var ns = await fx.NewClientNamespaceAsync();
        var created = await Client.AppsV1.CreateNamespacedDeploymentAsync(Workloads.Deployment("web", replicas: 3), ns);
        Assert.Equal(1, created.Metadata.Generation);
        Assert.Equal("RollingUpdate", created.Spec.Strategy?.Type);

        var ready = await Eventually.GetAsync(
            async () =>
            {
                var d = await Client.AppsV1.ReadNamespacedDeploymentAsync("web", ns);
                return d.Status?.ReadyReplicas == 3 && d.Status.Conditions?.Any(c => c.Type == "Available" && c.Status == "True") == true ? d : null;
            },
            "deployment ready");
        Assert.Equal(3, ready.Status.Replicas);
        Assert.Equal(3, ready.Status.AvailableReplicas);
        Assert.Equal(1, ready.Status.ObservedGeneration);

        var scaled = await Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("{\"spec\":{\"replicas\":1}}", V1Patch.PatchType.StrategicMergePatch), "web", ns);
        Assert.Equal(2, scaled.Metadata.Generation);
        await Eventually.TrueAsync(
            async () =>
            {
                var d = await Client.AppsV1.ReadNamespacedDeploymentAsync("web", ns);
                return d.Status?.ObservedGeneration == 2 && d.Status.ReadyReplicas == 1;
            },
            "deployment scaled down");
    }

    [Fact]
    public async Task Namespace_deletion_is_terminating_then_removes_contents()
    {
        var ns = await fx.NewClientNamespaceAsync();
        var nsObj = await Client.CoreV1.ReadNamespaceAsync(ns);
        Assert.Equal("Active", nsObj.Status?.Phase);
        Assert.Contains("kubernetes", nsObj.Spec?.Finalizers ?? []);

        // A custom finalizer on a content object keeps the namespace in Terminating until it is released.
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "held", Finalizers = ["example.com/hold"] } }, ns);
        await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("plain", new() { ["x"] = "y" }), ns);
        await Client.CoreV1.DeleteNamespaceAsync(ns);

        var terminating = await Client.CoreV1.ReadNamespaceAsync(ns);
        Assert.Equal("Terminating", terminating.Status?.Phase);
        Assert.NotNull(terminating.Metadata.DeletionTimestamp);

        await Eventually.GoneAsync(() => Client.CoreV1.ReadNamespacedConfigMapAsync("plain", ns), "content deleted");
        var held = await Client.CoreV1.ReadNamespacedConfigMapAsync("held", ns);
        Assert.NotNull(held.Metadata.DeletionTimestamp);
        Assert.Equal("Terminating", (await Client.CoreV1.ReadNamespaceAsync(ns)).Status?.Phase);

        // Creating in a terminating namespace is forbidden.
        var (code, status) = await ApiError.CatchAsync(() => Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("late", []), ns));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, code);
        Assert.Contains("terminat", status.Message, StringComparison.OrdinalIgnoreCase);

        await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"metadata\":{\"finalizers\":null}}", V1Patch.PatchType.MergePatch), "held", ns);
        await Eventually.GoneAsync(() => Client.CoreV1.ReadNamespaceAsync(ns), "namespace deleted");
        Assert.Empty((await Client.CoreV1.ListNamespacedConfigMapAsync(ns)).Items);
    }

    [Fact]
    public async Task Service_gets_a_cluster_ip_and_port_defaults()
    {
        var ns = await fx.NewClientNamespaceAsync();
        var svc = new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "web" }, Ports = [new V1ServicePort { Port = 80, TargetPort = 8080 }] },
        };
        var created = await Client.CoreV1.CreateNamespacedServiceAsync(svc, ns);
        Assert.Equal("ClusterIP", created.Spec.Type);
        Assert.True(System.Net.IPAddress.TryParse(created.Spec.ClusterIP, out _), created.Spec.ClusterIP);
        Assert.Equal([created.Spec.ClusterIP], created.Spec.ClusterIPs);
        Assert.Equal("TCP", created.Spec.Ports.Single().Protocol);

        var other = await Client.CoreV1.CreateNamespacedServiceAsync(new V1Service { Metadata = new V1ObjectMeta { Name = "web2" }, Spec = svc.Spec }, ns);
        Assert.NotEqual(created.Spec.ClusterIP, other.Spec.ClusterIP);

        // The IP survives a replace that leaves it out.
        var ip = created.Spec.ClusterIP;
        created.Spec.ClusterIP = null;
        created.Spec.ClusterIPs = null;
        created.Metadata.Labels = new Dictionary<string, string> { ["x"] = "y" };
        var replaced = await Client.CoreV1.ReplaceNamespacedServiceAsync(created, "web", ns);
        Assert.Equal(ip, replaced.Spec.ClusterIP);
        Assert.Equal("y", replaced.Metadata.Labels["x"]);
    }
}

internal static class Workloads
{
    public static V1Deployment Deployment(string name, int replicas = 1, string image = "nginx:1.27") => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = name } },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = image, Ports = [new V1ContainerPort { ContainerPort = 80 }] }] },
            },
        },
    };
}
