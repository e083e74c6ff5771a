using System.Globalization;
using System.Net;
using FluxSharp.LocalCluster.Tests.Client;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace FluxSharp.LocalCluster.Tests.Storage;

/// <summary>A control plane stopped and started again on the same state dir, in-process: the datastore is the truth.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RestartTests : IDisposable
{
    private readonly TempStateDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Objects_survive_a_restart_and_resource_versions_only_grow_even_after_deleting_the_newest()
    {
        long deletedAt;
        V1ConfigMap kept;
        await using (var plane = await _dir.StartAsync())
        {
            using var client = TempStateDir.ClientFor(plane);
            kept = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("kept", "v"), "default");
            await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("newest", "v"), "default");
            await client.CoreV1.DeleteNamespacedConfigMapAsync("newest", "default");
            deletedAt = plane.Service.Store.CurrentResourceVersion;
            Assert.True(deletedAt > Rv(kept.Metadata.ResourceVersion));
        }

        await using (var plane = await _dir.StartAsync())
        {
            using var client = TempStateDir.ClientFor(plane);
            var again = await client.CoreV1.ReadNamespacedConfigMapAsync("kept", "default");
            Assert.Equal(kept.Metadata.Uid, again.Metadata.Uid);
            Assert.Equal(kept.Metadata.ResourceVersion, again.Metadata.ResourceVersion);
            Assert.Equal("v", again.Data["k"]);
            var list = await client.CoreV1.ListNamespacedConfigMapAsync("default");
            Assert.DoesNotContain(list.Items, i => i.Metadata.Name == "newest");
            Assert.True(Rv(list.Metadata.ResourceVersion) >= deletedAt, $"list resourceVersion {list.Metadata.ResourceVersion} went back before {deletedAt}");

            // The delete was the newest revision; the next write still comes after it (revisions are never reused).
            var next = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("next", "v"), "default");
            Assert.True(Rv(next.Metadata.ResourceVersion) > deletedAt, $"{next.Metadata.ResourceVersion} is not after {deletedAt}");
        }
    }

    [Fact]
    public async Task A_watch_resumed_after_a_restart_from_a_resource_version_before_it_gets_every_later_event()
    {
        string from;
        await using (var plane = await _dir.StartAsync())
        {
            using var client = TempStateDir.ClientFor(plane);
            from = (await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a", "1"), "default")).Metadata.ResourceVersion;
            await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"data\":{\"k\":\"2\"}}", V1Patch.PatchType.MergePatch), "a", "default");
            await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("b", "1"), "default");
            await client.CoreV1.DeleteNamespacedConfigMapAsync("a", "default");
        }

        await using (var plane = await _dir.StartAsync())
        {
            using var client = TempStateDir.ClientFor(plane);
            await using var watch = await ConfigMapWatch.StartAsync(client, "default", resourceVersion: from);
            var modified = await watch.NextAsync();
            Assert.Equal((WatchEventType.Modified, "a", "2"), (modified.Type, modified.Object.Metadata.Name, modified.Object.Data["k"]));
            var added = await watch.NextAsync();
            Assert.Equal((WatchEventType.Added, "b"), (added.Type, added.Object.Metadata.Name));
            var deleted = await watch.NextAsync();
            Assert.Equal((WatchEventType.Deleted, "a"), (deleted.Type, deleted.Object.Metadata.Name));

            // And then what happens after the restart.
            var c = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("c", "1"), "default");
            var live = await watch.NextAsync();
            Assert.Equal((WatchEventType.Added, "c", c.Metadata.ResourceVersion), (live.Type, live.Object.Metadata.Name, live.Object.Metadata.ResourceVersion));
            Assert.True(Rv(modified.Object.Metadata.ResourceVersion) < Rv(added.Object.Metadata.ResourceVersion));
            Assert.True(Rv(deleted.Object.Metadata.ResourceVersion) < Rv(c.Metadata.ResourceVersion));
        }
    }

    [Fact]
    public async Task A_watch_from_a_resource_version_older_than_the_history_kept_gets_410_after_a_restart()
    {
        string old;
        await using (var plane = await _dir.StartAsync(watchHistorySize: 5))
        {
            using var client = TempStateDir.ClientFor(plane);
            old = (await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("old", "0"), "default")).Metadata.ResourceVersion;
            for (var i = 1; i <= 10; i++)
            {
                await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch($"{{\"data\":{{\"k\":\"{i}\"}}}}", V1Patch.PatchType.MergePatch), "old", "default");
            }
        }

        await using (var plane = await _dir.StartAsync(watchHistorySize: 5))
        {
            using var client = TempStateDir.ClientFor(plane);
            await using var watch = await ConfigMapWatch.StartAsync(client, "default", resourceVersion: old);
            Assert.True(await watch.WaitClosedAsync(TimeSpan.FromSeconds(10)), "the expired watch should end");
            var error = Assert.IsType<KubernetesException>(Assert.Single(watch.Errors));
            Assert.Equal((int)HttpStatusCode.Gone, error.Status.Code);
            Assert.Contains("too old resource version", error.Status.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_second_control_plane_on_a_state_dir_in_use_is_refused_naming_the_dir_and_the_pid()
    {
        await using (var plane = await _dir.StartAsync())
        {
            var e = await Assert.ThrowsAsync<FluxSharp.LocalCluster.Storage.StateDirException>(() => _dir.StartAsync());
            Assert.Equal($"state dir {_dir.Path} is in use by another process (pid {Environment.ProcessId}); stop it or use another state dir", e.Message);
        }

        // Released on stop: the next start gets it.
        await using var next = await _dir.StartAsync();
        Assert.NotNull(next.BaseUrl);
    }

    [Fact]
    public async Task The_state_dir_is_0700_and_its_files_0600()
    {
        await using (var plane = await _dir.StartAsync())
        {
            using var client = TempStateDir.ClientFor(plane);
            await client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "s" }, StringData = new Dictionary<string, string> { ["password"] = "x" } }, "default");
            await plane.WriteKubeconfigAsync(_dir.File("kubeconfig"));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_dir.Path));
            foreach (var file in new[] { "state.db", "state.db-wal", "state.db-shm", "lock", "kubeconfig" })
            {
                Assert.True(File.Exists(_dir.File(file)), $"{file} should exist while running");
                Assert.Equal((file, UnixFileMode.UserRead | UnixFileMode.UserWrite), (file, File.GetUnixFileMode(_dir.File(file))));
            }
        }
    }

    [Fact]
    public async Task A_state_dir_of_an_earlier_version_is_tightened_to_0700_and_0600()
    {
        Directory.CreateDirectory(_dir.Path);
        File.SetUnixFileMode(_dir.Path, (UnixFileMode)0b111_101_101);
        await File.WriteAllTextAsync(_dir.File("kubeconfig"), "apiVersion: v1\n");
        File.SetUnixFileMode(_dir.File("kubeconfig"), (UnixFileMode)0b110_100_100);

        await using var plane = await _dir.StartAsync();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_dir.Path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_dir.File("kubeconfig")));
    }

    internal static V1ConfigMap ConfigMap(string name, string value) => new() { Metadata = new V1ObjectMeta { Name = name }, Data = new Dictionary<string, string> { ["k"] = value } };

    private static long Rv(string rv) => long.Parse(rv, CultureInfo.InvariantCulture);
}
