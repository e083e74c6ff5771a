using System.Text.Json.Nodes;
using System.Net;
using FluxSharp.LocalCluster.Storage;
using Microsoft.Data.Sqlite;

namespace FluxSharp.LocalCluster.Tests.Storage;

/// <summary>The store over the SQLite datastore directly: revisions, compaction, history rebuilt on open.</summary>
public sealed class SqliteStorageBackendTests : IDisposable
{
    private const string ConfigMaps = "/configmaps";
    private readonly TempStateDir _dir = new();

    public SqliteStorageBackendTests() => Directory.CreateDirectory(_dir.Path);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Compaction_keeps_the_last_revisions_and_current_objects_and_older_watches_get_410_after_reopening()
    {
        var options = new SqliteStorageOptions { KeepRevisions = 3, CompactBatch = 1 };
        long beforeCompaction;
        using (var store = Open(options))
        {
            Assert.True(store.TryCreate(ConfigMaps, ConfigMap("a", "0"), out var a));
            beforeCompaction = store.CurrentResourceVersion;
            var rv = ResourceVersion(a);
            for (var i = 1; i <= 10; i++)
            {
                rv = ResourceVersion(store.TryUpdate(ConfigMaps, ConfigMap("a", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), rv, out _)!);
            }

            Assert.True(store.TryCreate(ConfigMaps, ConfigMap("b", "0"), out _));
            Assert.NotNull(store.TryDelete(ConfigMaps, "default", "b", null, out _));
        }

        // 13 revisions written, 3 kept behind the newest: 10 compacted; a's row and the last changes remain.
        Assert.Equal(13, Scalar("SELECT seq FROM sqlite_sequence WHERE name = 'kine'"));
        Assert.Equal(10, Scalar("SELECT value FROM meta WHERE key = 'compact_revision'"));
        Assert.Equal(4, Scalar("SELECT COUNT(*) FROM kine"));

        using (var store = Open(options))
        {
            Assert.Equal(13, store.CurrentResourceVersion);
            Assert.Equal("10", store.Get(ConfigMaps, "default", "a")!["data"]!["k"]!.GetValue<string>());
            Assert.Null(store.Get(ConfigMaps, "default", "b"));
            var gone = Assert.Throws<ApiException>(() => store.Watch(ConfigMaps, beforeCompaction));
            Assert.Equal(HttpStatusCode.Gone, gone.Code);

            // From the compact revision on, every change is still there, with the state it replaced.
            using var watch = store.Watch(ConfigMaps, 10);
            var events = Drain(watch);
            Assert.Equal([(11, WatchEventType.Modified), (12, WatchEventType.Added), (13, WatchEventType.Deleted)], events.Select(e => (e.ResourceVersion, e.Type)));
            Assert.Equal("9", events[0].OldObject!["data"]!["k"]!.GetValue<string>());
            Assert.Equal("13", events[2].Object["metadata"]!["resourceVersion"]!.GetValue<string>());
            Assert.Equal("12", events[2].OldObject!["metadata"]!["resourceVersion"]!.GetValue<string>());
        }
    }

    [Fact]
    public void A_write_is_in_the_database_when_the_store_returns()
    {
        using var store = Open(new SqliteStorageOptions());
        Assert.True(store.TryCreate(ConfigMaps, ConfigMap("a", "v"), out var stored));

        // Read back through a second connection while the store's is still open (no close, no checkpoint).
        using var connection = new SqliteConnection($"Data Source={_dir.File("state.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, name, created, value FROM kine";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal(ResourceVersion(stored), reader.GetInt64(0).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("/configmaps/default/a", reader.GetString(1));
        Assert.Equal(1, reader.GetInt64(2));
        var value = JsonNode.Parse(reader.GetString(3))!;
        Assert.Null(value["metadata"]!["resourceVersion"]);
        Assert.Equal("v", value["data"]!["k"]!.GetValue<string>());
    }

    [Fact]
    public void The_journal_is_wal_with_synchronous_normal_by_default_and_full_when_asked()
    {
        Assert.Equal(("wal", 1L), Pragmas(new SqliteStorageOptions()));
        Assert.Equal(("wal", 2L), Pragmas(new SqliteStorageOptions { Synchronous = SqliteSynchronous.Full }));
    }

    private static JsonObject ConfigMap(string name, string value) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
        ["data"] = new JsonObject { ["k"] = value },
    };

    private static string ResourceVersion(JsonObject o) => o["metadata"]!["resourceVersion"]!.GetValue<string>();

    private static List<WatchEvent> Drain(Watcher watch)
    {
        var events = new List<WatchEvent>();
        while (watch.Channel.Reader.TryRead(out var ev))
        {
            events.Add(ev);
        }

        return events;
    }

    private (string JournalMode, long Synchronous) Pragmas(SqliteStorageOptions options)
    {
        using var backend = SqliteStorageBackend.Open(_dir.File("pragmas.db"), options);
        using var mode = backend.Connection.CreateCommand();
        mode.CommandText = "PRAGMA journal_mode";
        using var sync = backend.Connection.CreateCommand();
        sync.CommandText = "PRAGMA synchronous";
        return ((string)mode.ExecuteScalar()!, (long)sync.ExecuteScalar()!);
    }

    private ObjectStore Open(SqliteStorageOptions options) => new(SqliteStorageBackend.Open(_dir.File("state.db"), options), historySize: 100);

    private long Scalar(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_dir.File("state.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
