using FluxSharp.LocalCluster.Storage;
using k8s;

namespace FluxSharp.LocalCluster.Tests.Storage;

/// <summary>A state dir written by the objects.json snapshotter is imported once; unreadable files are named in one line.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class MigrationTests : IDisposable
{
    private const string ObjectsJson = """
        {"resourceVersion":42,"objects":[
          {"storageKey":"/namespaces","object":{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"old","uid":"u-ns","resourceVersion":"3","creationTimestamp":"2026-01-01T00:00:00Z"},"spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}}},
          {"storageKey":"/configmaps","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"old","uid":"u-cm","resourceVersion":"40","creationTimestamp":"2026-01-01T00:00:00Z"},"data":{"k":"v"}}}
        ]}
        """;

    private readonly TempStateDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Objects_json_is_imported_with_its_resource_versions_and_renamed_migrated()
    {
        Directory.CreateDirectory(_dir.Path);
        await File.WriteAllTextAsync(_dir.File("objects.json"), ObjectsJson);

        await using (var plane = await _dir.StartAsync())
        {
            using var client = TempStateDir.ClientFor(plane);
            var cm = await client.CoreV1.ReadNamespacedConfigMapAsync("cm", "old");
            Assert.Equal(("u-cm", "40", "v"), (cm.Metadata.Uid, cm.Metadata.ResourceVersion, cm.Data["k"]));
            Assert.False(File.Exists(_dir.File("objects.json")));
            Assert.True(File.Exists(_dir.File("objects.json.migrated")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_dir.File("objects.json.migrated")));

            var next = await client.CoreV1.CreateNamespacedConfigMapAsync(RestartTests.ConfigMap("new", "v"), "old");
            Assert.True(long.Parse(next.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture) > 42);
        }

        // Imported into the datastore: the next start reads it from there.
        await using (var plane = await _dir.StartAsync())
        {
            using var client = TempStateDir.ClientFor(plane);
            var list = await client.CoreV1.ListNamespacedConfigMapAsync("old");
            Assert.Equal(["cm", "new"], list.Items.Select(i => i.Metadata.Name).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task A_truncated_objects_json_is_one_clear_error_naming_the_file()
    {
        Directory.CreateDirectory(_dir.Path);
        await File.WriteAllTextAsync(_dir.File("objects.json"), ObjectsJson[..120]);

        var e = await Assert.ThrowsAsync<StateDirException>(() => _dir.StartAsync());
        Assert.StartsWith(_dir.File("objects.json") + ": not a readable state file (", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.True(File.Exists(_dir.File("objects.json")), "the unreadable file is left in place");

        // Nothing stays locked after the failed start.
        File.Delete(_dir.File("objects.json"));
        await using var plane = await _dir.StartAsync();
    }

    [Fact]
    public async Task A_corrupt_database_is_one_clear_error_naming_the_file()
    {
        Directory.CreateDirectory(_dir.Path);
        await File.WriteAllTextAsync(_dir.File("state.db"), "this is not a SQLite database, it only has its name\n" + new string('x', 4096));

        var e = await Assert.ThrowsAsync<StateDirException>(() => _dir.StartAsync());
        Assert.StartsWith(_dir.File("state.db") + ": not a readable state database (", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task A_truncated_database_is_one_clear_error_naming_the_file()
    {
        await using (var plane = await _dir.StartAsync())
        {
            using var client = TempStateDir.ClientFor(plane);
            for (var i = 0; i < 50; i++)
            {
                await client.CoreV1.CreateNamespacedConfigMapAsync(RestartTests.ConfigMap($"cm-{i}", new string('v', 2000)), "default");
            }
        }

        // Stopped cleanly, everything is checkpointed into state.db; cut it in the middle of its pages.
        var bytes = await File.ReadAllBytesAsync(_dir.File("state.db"));
        Assert.True(bytes.Length > 8192);
        await File.WriteAllBytesAsync(_dir.File("state.db"), bytes[..(bytes.Length / 2)]);

        var e = await Assert.ThrowsAsync<StateDirException>(() => _dir.StartAsync());
        Assert.StartsWith(_dir.File("state.db") + ": ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }
}
