using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FluxSharp.LocalCluster.Storage;
using FluxSharp.Testing;
using Google.Protobuf;
using k8s;
using k8s.Models;

namespace FluxSharp.LocalCluster.Tests.Storage;

/// <summary>A whole control plane whose objects are in a real etcd: restarts, kubectl, etcd's keys and revisions.</summary>
[Collection("etcd")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class EtcdControlPlaneTests(EtcdFixture etcd) : IDisposable
{
    private readonly string _prefix = EtcdFixture.NewPrefix();
    private readonly TempStateDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_control_plane_restarted_on_the_same_etcd_keeps_objects_and_resource_versions_and_they_only_grow()
    {
        V1ConfigMap kept;
        long deletedAt;
        await using (var plane = await StartAsync())
        {
            using var client = TempStateDir.ClientFor(plane);
            kept = await client.CoreV1.CreateNamespacedConfigMapAsync(RestartTests.ConfigMap("kept", "v"), "default");
            await client.CoreV1.CreateNamespacedConfigMapAsync(RestartTests.ConfigMap("newest", "v"), "default");
            await client.CoreV1.DeleteNamespacedConfigMapAsync("newest", "default");
            deletedAt = plane.Service.Store.CurrentResourceVersion;
        }

        await using (var plane = await StartAsync())
        {
            using var client = TempStateDir.ClientFor(plane);
            var again = await client.CoreV1.ReadNamespacedConfigMapAsync("kept", "default");
            Assert.Equal((kept.Metadata.Uid, kept.Metadata.ResourceVersion, "v"), (again.Metadata.Uid, again.Metadata.ResourceVersion, again.Data["k"]));
            var list = await client.CoreV1.ListNamespacedConfigMapAsync("default");
            Assert.DoesNotContain(list.Items, i => i.Metadata.Name == "newest");
            Assert.True(Rv(list.Metadata.ResourceVersion) >= deletedAt);
            var next = await client.CoreV1.CreateNamespacedConfigMapAsync(RestartTests.ConfigMap("next", "v"), "default");
            Assert.True(Rv(next.Metadata.ResourceVersion) > deletedAt, $"{next.Metadata.ResourceVersion} is not after {deletedAt}");
        }
    }

    [Fact]
    public async Task Kubectl_works_on_a_control_plane_on_etcd_and_resource_versions_are_etcds_mod_revisions()
    {
        await using var plane = await StartAsync();
        var kubeconfig = _dir.File("kubeconfig");
        await plane.WriteKubeconfigAsync(kubeconfig);
        var kubectl = new Kubectl(kubeconfig, _dir.File("kube-cache"));

        (await kubectl.RunAsync(["apply", "-f", "-"], """
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: shop}
            spec:
              replicas: 1
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: web, image: nginx}]}
            """)).EnsureSuccess();
        (await kubectl.RunAsync("scale", "deployment", "web", "-n", "shop", "--replicas=3")).EnsureSuccess();
        var rv = (await kubectl.RunAsync("get", "deployment", "web", "-n", "shop", "-o", "jsonpath={.spec.replicas} {.metadata.resourceVersion}")).EnsureSuccess().Stdout.Split(' ');
        Assert.Equal("3", rv[0]);

        // The object is etcd's key under the prefix, its resourceVersion the key's mod revision, its value the JSON.
        using var client = new dotnet_etcd.EtcdClient(Grpc.Net.Client.GrpcChannel.ForAddress(etcd.Endpoint).CreateCallInvoker());
        var stored = client.Get(new Etcdserverpb.RangeRequest { Key = ByteString.CopyFromUtf8($"{_prefix}/apps/deployments/shop/web") }, deadline: DateTime.UtcNow.AddSeconds(10));
        var kv = Assert.Single(stored.Kvs);
        Assert.Equal(rv[1], kv.ModRevision.ToString(CultureInfo.InvariantCulture));
        Assert.Contains("\"replicas\":3", kv.Value.ToStringUtf8(), StringComparison.Ordinal);
        Assert.DoesNotContain("resourceVersion", kv.Value.ToStringUtf8(), StringComparison.Ordinal);
        Assert.Single(client.Get(new Etcdserverpb.RangeRequest { Key = ByteString.CopyFromUtf8($"{_prefix}/namespaces//shop") }, deadline: DateTime.UtcNow.AddSeconds(10)).Kvs);

        (await kubectl.RunAsync("delete", "deployment", "web", "-n", "shop")).EnsureSuccess();
        Assert.Contains("NotFound", (await kubectl.RunAsync("get", "deployment", "web", "-n", "shop")).Stderr, StringComparison.Ordinal);
        Assert.Empty(client.Get(new Etcdserverpb.RangeRequest { Key = ByteString.CopyFromUtf8($"{_prefix}/apps/deployments/shop/web") }, deadline: DateTime.UtcNow.AddSeconds(10)).Kvs);
    }

    [Fact]
    public async Task An_unreachable_etcd_stops_start_up_with_one_error_naming_the_endpoint()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var e = await Assert.ThrowsAsync<StorageUnavailableException>(() => LocalControlPlane.StartAsync(new LocalControlPlaneOptions
        {
            Etcd = new EtcdStorageOptions { Endpoints = $"http://127.0.0.1:{port}", Timeout = TimeSpan.FromSeconds(3) },
            SimulateWorkloads = false,
        }));
        Assert.StartsWith($"cannot reach etcd at http://127.0.0.1:{port}: ", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("; start etcd or pass the right --etcd-endpoints", e.Message, StringComparison.Ordinal);
    }

    private static long Rv(string rv) => long.Parse(rv, CultureInfo.InvariantCulture);

    private Task<LocalControlPlane> StartAsync() =>
        LocalControlPlane.StartAsync(new LocalControlPlaneOptions { Etcd = etcd.Options(_prefix), SimulateWorkloads = false });
}
