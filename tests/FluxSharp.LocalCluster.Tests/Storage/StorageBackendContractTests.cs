using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Storage;

namespace FluxSharp.LocalCluster.Tests.Storage;

/// <summary>
/// What every durable <see cref="IStorageBackend"/> promises, checked through the store over it and run for each
/// backend (SQLite, etcd): a write is there for a second reader when it returns, revisions only grow and are never
/// reused across a reopen, a watch resumes after a reopen with the state each change replaced, compacted revisions get
/// 410 Gone, an import leaves no revision up to the imported one to be handed out again.
/// </summary>
public abstract class StorageBackendContractTests
{
    private const string ConfigMaps = "/configmaps";

    /// <summary>Opens the backend under test on the same storage every time (a reopen is a restart).</summary>
    protected abstract IStorageBackend OpenBackend();

    /// <summary>Drops the revisions before <paramref name="revision"/> as the backend's compaction does.</summary>
    protected abstract void Compact(IStorageBackend backend, long revision);

    [Fact]
    public void A_write_is_seen_by_a_second_store_opened_while_the_first_is_still_open()
    {
        using var store = Open();
        Assert.True(store.TryCreate(ConfigMaps, ConfigMap("a", "v"), out var stored));

        using var reader = Open();
        var read = reader.Get(ConfigMaps, "default", "a");
        Assert.NotNull(read);
        Assert.Equal(Rv(stored), Rv(read));
        Assert.Equal("v", (string?)read["data"]!["k"]);
    }

    [Fact]
    public void Revisions_only_grow_across_a_reopen_and_are_never_reused_even_after_deleting_the_newest()
    {
        long kept, deletedAt;
        using (var store = Open())
        {
            Assert.True(store.TryCreate(ConfigMaps, ConfigMap("kept", "1"), out var a));
            var updated = store.TryUpdate(ConfigMaps, ConfigMap("kept", "2"), Obj(a), out _)!;
            Assert.True(Rv(updated) > Rv(a));
            kept = Rv(updated);
            Assert.True(store.TryCreate(ConfigMaps, ConfigMap("newest", "1"), out _));
            Assert.NotNull(store.TryDelete(ConfigMaps, "default", "newest", null, out _));
            deletedAt = store.CurrentResourceVersion;
            Assert.True(deletedAt > kept);
        }

        using (var store = Open())
        {
            Assert.True(store.CurrentResourceVersion >= deletedAt, $"resourceVersion went back from {deletedAt} to {store.CurrentResourceVersion}");
            Assert.Equal(kept, Rv(store.Get(ConfigMaps, "default", "kept")!));
            Assert.Equal("2", (string?)store.Get(ConfigMaps, "default", "kept")!["data"]!["k"]);
            Assert.Null(store.Get(ConfigMaps, "default", "newest"));
            Assert.True(store.TryCreate(ConfigMaps, ConfigMap("next", "1"), out var next));
            Assert.True(Rv(next) > deletedAt, $"{Rv(next)} is not after {deletedAt}");
        }
    }

    [Fact]
    public void Grouped_namespaced_and_cluster_scoped_objects_come_back_under_their_own_keys()
    {
        const string Deployments = "apps/deployments";
        const string Namespaces = "/namespaces";
        using (var store = Open())
        {
            Assert.True(store.TryCreate(Deployments, Object("apps/v1", "Deployment", "web", "shop"), out _));
            Assert.True(store.TryCreate(Namespaces, Object("v1", "Namespace", "shop", null), out _));
        }

        using (var store = Open())
        {
            Assert.Equal("Deployment", (string?)store.Get(Deployments, "shop", "web")!["kind"]);
            Assert.Equal("Namespace", (string?)store.Get(Namespaces, null, "shop")!["kind"]);
            Assert.Equal([Namespaces, Deployments], store.StorageKeys().Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void A_watch_from_before_a_reopen_gets_every_later_change_with_the_state_it_replaced()
    {
        long from;
        using (var store = Open())
        {
            Assert.True(store.TryCreate(ConfigMaps, ConfigMap("a", "1"), out var a));
            from = Rv(a);
            store.TryUpdate(ConfigMaps, ConfigMap("a", "2"), Obj(a), out _);
            Assert.True(store.TryCreate(ConfigMaps, ConfigMap("b", "1"), out _));
            Assert.NotNull(store.TryDelete(ConfigMaps, "default", "a", null, out _));
        }

        using (var store = Open())
        {
            using var watch = store.Watch(ConfigMaps, from);
            var events = Drain(watch);
            Assert.Equal([(WatchEventType.Modified, "a"), (WatchEventType.Added, "b"), (WatchEventType.Deleted, "a")], events.Select(e => (e.Type, Name(e.Object))));
            Assert.Equal("1", (string?)events[0].OldObject!["data"]!["k"]);
            Assert.Equal(from, Rv(events[0].OldObject!));
            Assert.Null(events[1].OldObject);
            Assert.Equal("2", (string?)events[2].Object["data"]!["k"]);
            Assert.Equal(events[2].ResourceVersion, Rv(events[2].Object));
            Assert.Equal(Rv(events[0].Object), Rv(events[2].OldObject!));
            Assert.True(events[0].ResourceVersion < events[1].ResourceVersion && events[1].ResourceVersion < events[2].ResourceVersion);
        }
    }

    [Fact]
    public void Compacted_revisions_get_410_after_a_reopen_and_the_changes_after_them_are_still_watchable()
    {
        long beforeCompaction, compactAt;
        var backend = OpenBackend();
        using (var store = new ObjectStore(backend, historySize: 100))
        {
            Assert.True(store.TryCreate(ConfigMaps, ConfigMap("a", "0"), out var a));
            beforeCompaction = Rv(a);
            var current = a;
            for (var i = 1; i <= 5; i++)
            {
                current = store.TryUpdate(ConfigMaps, ConfigMap("a", i.ToString(CultureInfo.InvariantCulture)), Obj(current), out _)!;
            }

            compactAt = Rv(current);
            store.TryUpdate(ConfigMaps, ConfigMap("a", "6"), Obj(current), out _);
            Assert.True(store.TryCreate(ConfigMaps, ConfigMap("b", "0"), out _));
            Compact(backend, compactAt);
        }

        using (var store = Open())
        {
            Assert.Equal("6", (string?)store.Get(ConfigMaps, "default", "a")!["data"]!["k"]);
            var gone = Assert.Throws<ApiException>(() => store.Watch(ConfigMaps, beforeCompaction));
            Assert.Equal(HttpStatusCode.Gone, gone.Code);
            Assert.Contains("too old resource version", gone.Message, StringComparison.Ordinal);

            using var watch = store.Watch(ConfigMaps, compactAt);
            var events = Drain(watch);
            Assert.Equal([(WatchEventType.Modified, "a"), (WatchEventType.Added, "b")], events.Select(e => (e.Type, Name(e.Object))));
            Assert.Equal("5", (string?)events[0].OldObject!["data"]!["k"]);
        }
    }

    [Fact]
    public void An_import_hands_out_no_revision_up_to_the_imported_one_afterwards()
    {
        using var store = Open();
        var imported = store.CurrentResourceVersion + 30;
        store.Restore(imported, [(ConfigMaps, WithRv(ConfigMap("old-a", "1"), imported - 5)), (ConfigMaps, WithRv(ConfigMap("old-b", "1"), imported - 3))]);
        Assert.Equal("1", (string?)store.Get(ConfigMaps, "default", "old-a")!["data"]!["k"]);
        Assert.NotEqual(Rv(store.Get(ConfigMaps, "default", "old-a")!), Rv(store.Get(ConfigMaps, "default", "old-b")!));
        Assert.True(store.TryCreate(ConfigMaps, ConfigMap("new", "1"), out var created));
        Assert.True(Rv(created) > imported, $"{Rv(created)} is not after the imported {imported}");

        using var again = Open();
        Assert.Equal(Rv(store.Get(ConfigMaps, "default", "old-b")!), Rv(again.Get(ConfigMaps, "default", "old-b")!));
    }

    private static JsonObject ConfigMap(string name, string value) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
        ["data"] = new JsonObject { ["k"] = value },
    };

    private static JsonObject Object(string apiVersion, string kind, string name, string? ns)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (ns is not null)
        {
            metadata["namespace"] = ns;
        }

        return new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind, ["metadata"] = metadata };
    }

    private static JsonObject WithRv(JsonObject o, long rv)
    {
        o["metadata"]!["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
        return o;
    }

    private static string Obj(JsonObject o) => (string)o["metadata"]!["resourceVersion"]!;

    private static long Rv(JsonObject o) => long.Parse(Obj(o), CultureInfo.InvariantCulture);

    private static string Name(JsonObject o) => (string)o["metadata"]!["name"]!;

    private static List<WatchEvent> Drain(Watcher watch)
    {
        var events = new List<WatchEvent>();
        while (watch.Channel.Reader.TryRead(out var ev))
        {
            events.Add(ev);
        }

        return events;
    }

    private ObjectStore Open() => new(OpenBackend(), historySize: 100);
}

/// <summary>The contract on SQLite: a state.db in a temp dir.</summary>
public sealed class SqliteStorageContractTests : StorageBackendContractTests, IDisposable
{
    private readonly TempStateDir _dir = new();

    public SqliteStorageContractTests() => Directory.CreateDirectory(_dir.Path);

    public void Dispose() => _dir.Dispose();

    protected override IStorageBackend OpenBackend() => SqliteStorageBackend.Open(_dir.File("state.db"));

    protected override void Compact(IStorageBackend backend, long revision) => ((SqliteStorageBackend)backend).Compact(revision);
}

/// <summary>The contract on a real etcd: each test under its own key prefix.</summary>
[Collection("etcd")]
public sealed class EtcdStorageContractTests(EtcdFixture etcd) : StorageBackendContractTests
{
    private readonly string _prefix = EtcdFixture.NewPrefix();

    protected override IStorageBackend OpenBackend() => EtcdStorageBackend.Open(etcd.Options(_prefix));

    protected override void Compact(IStorageBackend backend, long revision) => ((EtcdStorageBackend)backend).Compact(revision);
}
