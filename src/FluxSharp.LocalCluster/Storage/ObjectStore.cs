using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using FluxSharp.LocalCluster.Objects;

namespace FluxSharp.LocalCluster.Storage;

/// <summary>ADDED, MODIFIED, DELETED as the watch API names them.</summary>
public enum WatchEventType
{
    Added,
    Modified,
    Deleted,
}

/// <summary>
/// One change to one object. <see cref="Object"/> is the stored state after the change (for DELETED: the last state,
/// with the deletion's resourceVersion); <see cref="OldObject"/> the state before (null for ADDED). Both are frozen: never mutate.
/// </summary>
public sealed record WatchEvent(long ResourceVersion, string StorageKey, WatchEventType Type, JsonObject Object, JsonObject? OldObject);

/// <summary>
/// The objects of every resource, keyed by storage key (group/plural, shared by all versions) and namespace/name.
/// Reads are served from memory; every write goes through an <see cref="IStorageBackend"/> first, which assigns its
/// revision (the resourceVersion) and makes it durable, and only then is applied in memory, seen by readers and
/// watchers, and returned: a write is acknowledged only once committed. Writes are serialized (one at a time:
/// check, commit, apply), which gives the single monotonic resourceVersion and a totally ordered event history;
/// readers take a separate lock that is never held across the commit. Stored JsonObjects are never mutated after
/// they are stored; readers get them as they are and must clone before changing.
/// </summary>
public sealed class ObjectStore : IDisposable
{
    private readonly object _lock = new();
    private readonly object _writeLock = new();
    private readonly IStorageBackend _backend;
    private readonly Dictionary<string, SortedDictionary<string, JsonObject>> _resources = new(StringComparer.Ordinal);
    private readonly WatchEvent?[] _history;
    private readonly List<Watcher> _watchers = [];
    private long _historyCount;
    private long _historyFloor = 1;
    private long _resourceVersion;

    /// <summary>A store kept in memory only.</summary>
    public ObjectStore(int historySize = 20000)
        : this(new MemoryStorageBackend(), historySize)
    {
    }

    /// <summary>A store over <paramref name="backend"/>, loaded from it: its objects and its latest changes for watches.</summary>
    public ObjectStore(IStorageBackend backend, int historySize = 20000)
    {
        ArgumentNullException.ThrowIfNull(backend);
        _backend = backend;
        _history = new WatchEvent?[historySize];
        Load();
    }

    /// <summary>Raised after every change, outside the lock (used by in-process controllers).</summary>
    public event Action<WatchEvent>? Changed;

    /// <summary>True when writes survive the process (a durable backend).</summary>
    public bool Durable => _backend.Durable;

    public long CurrentResourceVersion
    {
        get
        {
            lock (_lock)
            {
                return _resourceVersion;
            }
        }
    }

    /// <summary>The oldest resourceVersion a watch may start from; older gives 410 Gone.</summary>
    public long OldestWatchableResourceVersion
    {
        get
        {
            lock (_lock)
            {
                return OldestLocked();
            }
        }
    }

    public static string ObjectKey(string? ns, string name) => (ns ?? string.Empty) + "/" + name;

    public JsonObject? Get(string storageKey, string? ns, string name)
    {
        lock (_lock)
        {
            return _resources.TryGetValue(storageKey, out var objects) && objects.TryGetValue(ObjectKey(ns, name), out var o) ? o : null;
        }
    }

    /// <summary>Every object of a resource (in one namespace when given), ordered by namespace/name, with the store's resourceVersion.</summary>
    public (List<JsonObject> Items, long ResourceVersion) List(string storageKey, string? ns, string? startAfterKey = null)
    {
        lock (_lock)
        {
            var items = new List<JsonObject>();
            if (_resources.TryGetValue(storageKey, out var objects))
            {
                var prefix = ns is null ? null : ns + "/";
                foreach (var (key, obj) in objects)
                {
                    if (prefix is not null && !key.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    if (startAfterKey is not null && string.CompareOrdinal(key, startAfterKey) <= 0)
                    {
                        continue;
                    }

                    items.Add(obj);
                }
            }

            return (items, _resourceVersion);
        }
    }

    public IReadOnlyList<string> StorageKeys()
    {
        lock (_lock)
        {
            return _resources.Keys.ToList();
        }
    }

    /// <summary>Stores a new object; stamps its resourceVersion. Returns false when the name is taken.</summary>
    public bool TryCreate(string storageKey, JsonObject obj, out JsonObject stored)
    {
        WatchEvent ev;
        obj = Normalize(obj);
        var key = ObjectKey(Obj.Namespace(obj), Obj.Name(obj));
        lock (_writeLock)
        {
            if (Current(storageKey, key) is { } existing)
            {
                stored = existing;
                return false;
            }

            var rv = Commit(new StorageWrite(storageKey, key, WatchEventType.Added, obj, 0), obj);
            stored = obj;
            ev = Apply(new WatchEvent(rv, storageKey, WatchEventType.Added, obj, null), key);
        }

        Changed?.Invoke(ev);
        return true;
    }

    /// <summary>
    /// Replaces an object when its stored resourceVersion still equals <paramref name="expectedResourceVersion"/>.
    /// Returns null when the object is gone; throws nothing: the caller turns a mismatch (returned as the current object
    /// with <paramref name="conflict"/> set) into 409.
    /// </summary>
    public JsonObject? TryUpdate(string storageKey, JsonObject obj, string expectedResourceVersion, out bool conflict)
    {
        WatchEvent ev;
        obj = Normalize(obj);
        conflict = false;
        var key = ObjectKey(Obj.Namespace(obj), Obj.Name(obj));
        lock (_writeLock)
        {
            if (Current(storageKey, key) is not { } existing)
            {
                return null;
            }

            if (Obj.ResourceVersion(existing) != expectedResourceVersion)
            {
                conflict = true;
                return existing;
            }

            var rv = Commit(new StorageWrite(storageKey, key, WatchEventType.Modified, obj, Revision(existing)), obj);
            ev = Apply(new WatchEvent(rv, storageKey, WatchEventType.Modified, obj, existing), key);
        }

        Changed?.Invoke(ev);
        return obj;
    }

    /// <summary>Removes an object if its resourceVersion matches (null: any). Returns the removed object (with the deletion's resourceVersion).</summary>
    public JsonObject? TryDelete(string storageKey, string? ns, string name, string? expectedResourceVersion, out bool conflict)
    {
        WatchEvent ev;
        conflict = false;
        JsonObject removed;
        var key = ObjectKey(ns, name);
        lock (_writeLock)
        {
            if (Current(storageKey, key) is not { } existing)
            {
                return null;
            }

            if (expectedResourceVersion is not null && Obj.ResourceVersion(existing) != expectedResourceVersion)
            {
                conflict = true;
                return existing;
            }

            removed = Obj.Clone(existing);
            var rv = Commit(new StorageWrite(storageKey, key, WatchEventType.Deleted, null, Revision(existing)), removed);
            ev = Apply(new WatchEvent(rv, storageKey, WatchEventType.Deleted, removed, existing), key);
        }

        Changed?.Invoke(ev);
        return removed;
    }

    /// <summary>
    /// Starts a watch on one resource. Events after <paramref name="fromResourceVersion"/> still in history are queued first,
    /// atomically with the subscription so nothing is missed or doubled. Throws 410 Gone when the history no longer reaches back.
    /// When <paramref name="fromResourceVersion"/> is null, the current objects are queued as ADDED (the "get state and watch" start).
    /// </summary>
    public Watcher Watch(string storageKey, long? fromResourceVersion)
    {
        lock (_lock)
        {
            var watcher = new Watcher(this, storageKey);
            if (fromResourceVersion is { } from)
            {
                if (from < OldestLocked() - 1)
                {
                    throw ApiException.Gone($"too old resource version: {from} ({OldestLocked() - 1})");
                }

                var start = Math.Max(0, _historyCount - _history.Length);
                for (var i = start; i < _historyCount; i++)
                {
                    var ev = _history[i % _history.Length]!;
                    if (ev.ResourceVersion > from && ev.StorageKey == storageKey)
                    {
                        watcher.Channel.Writer.TryWrite(ev);
                    }
                }
            }
            else if (_resources.TryGetValue(storageKey, out var objects))
            {
                foreach (var obj in objects.Values)
                {
                    watcher.Channel.Writer.TryWrite(new WatchEvent(_resourceVersion, storageKey, WatchEventType.Added, obj, null));
                }
            }

            watcher.StartResourceVersion = _resourceVersion;
            _watchers.Add(watcher);
            return watcher;
        }
    }

    /// <summary>Everything, for persistence.</summary>
    public (long ResourceVersion, List<(string StorageKey, JsonObject Object)> Objects) Snapshot()
    {
        lock (_lock)
        {
            var all = new List<(string, JsonObject)>();
            foreach (var (key, objects) in _resources)
            {
                all.AddRange(objects.Values.Select(o => (key, o)));
            }

            return (_resourceVersion, all);
        }
    }

    /// <summary>
    /// Loads objects saved elsewhere (an older state file) into an empty store, through the backend, with no events.
    /// Each object keeps its resourceVersion when that is a positive number no other object has; the rest get new ones.
    /// Watches can start from the resulting resourceVersion on, not before (there is no history of what came earlier).
    /// </summary>
    public void Restore(long resourceVersion, IEnumerable<(string StorageKey, JsonObject Object)> objects)
    {
        ArgumentNullException.ThrowIfNull(objects);
        lock (_writeLock)
        {
            var items = objects.Select(o => (o.StorageKey, Key: ObjectKey(Obj.Namespace(o.Object), Obj.Name(o.Object)), Object: Normalize(o.Object))).ToList();
            var taken = new HashSet<long>();
            var kept = items.Select(i => long.TryParse(Obj.ResourceVersion(i.Object), NumberStyles.None, CultureInfo.InvariantCulture, out var rv) && rv > 0 && taken.Add(rv) ? rv : 0).ToList();
            var next = Math.Max(Math.Max(resourceVersion, _resourceVersion), taken.Count == 0 ? 0 : taken.Max());
            var imported = new List<ImportedObject>(items.Count);
            for (var i = 0; i < items.Count; i++)
            {
                var value = items[i].Object;
                Obj.Metadata(value).Remove("resourceVersion");
                imported.Add(new ImportedObject(items[i].StorageKey, items[i].Key, kept[i] != 0 ? kept[i] : ++next, value));
            }

            var revisions = _backend.Import(imported, next);
            lock (_lock)
            {
                for (var i = 0; i < imported.Count; i++)
                {
                    var obj = imported[i].Value;
                    Stamp(obj, revisions[i]);
                    Objects(imported[i].StorageKey)[imported[i].ObjectKey] = obj;
                    _resourceVersion = Math.Max(_resourceVersion, revisions[i]);
                }

                _resourceVersion = Math.Max(_resourceVersion, next);
                _historyFloor = _resourceVersion + 1;
            }
        }
    }

    /// <summary>Removes every object of a resource (a deleted CRD's custom resources), emitting DELETED for each.</summary>
    public int DeleteAll(string storageKey)
    {
        var (items, _) = List(storageKey, null);
        var n = 0;
        foreach (var o in items)
        {
            if (TryDelete(storageKey, Obj.Namespace(o), Obj.Name(o), null, out _) is not null)
            {
                n++;
            }
        }

        return n;
    }

    /// <summary>Closes the backend (the database); the store must not be written to afterwards.</summary>
    public void Dispose()
    {
        lock (_writeLock)
        {
            _backend.Dispose();
        }
    }

    internal void Unsubscribe(Watcher watcher)
    {
        lock (_lock)
        {
            _watchers.Remove(watcher);
        }

        watcher.Channel.Writer.TryComplete();
    }

    /// <summary>
    /// Stored objects are re-read from their JSON text: one uniform number representation whatever code built them,
    /// and a tree no caller holds a reference into.
    /// </summary>
    private static JsonObject Normalize(JsonObject obj) => (JsonObject)JsonNode.Parse(obj.ToJsonString())!;

    private static void Stamp(JsonObject obj, long rv) => Obj.Metadata(obj)["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);

    private static long Revision(JsonObject stored) => long.Parse(Obj.ResourceVersion(stored)!, CultureInfo.InvariantCulture);

    private static JsonObject Parse(ReadOnlyMemory<byte> value, long rv)
    {
        var obj = (JsonObject)JsonNode.Parse(value.Span)!;
        Stamp(obj, rv);
        return obj;
    }

    /// <summary>
    /// Commits a write (its value goes to the backend without a resourceVersion: the revision is the resourceVersion)
    /// and stamps the revision on <paramref name="stamped"/>, the object the store keeps. Caller holds the write lock.
    /// </summary>
    private long Commit(StorageWrite write, JsonObject stamped)
    {
        write.Value?["metadata"]?.AsObject().Remove("resourceVersion");
        var rv = _backend.Commit(write);
        Stamp(stamped, rv);
        return rv;
    }

    /// <summary>The current object under the write lock (only writers change the map, so no read lock is needed).</summary>
    private JsonObject? Current(string storageKey, string key) =>
        _resources.TryGetValue(storageKey, out var objects) && objects.TryGetValue(key, out var o) ? o : null;

    /// <summary>Makes a committed change visible: the map, the history, the watchers.</summary>
    private WatchEvent Apply(WatchEvent ev, string key)
    {
        lock (_lock)
        {
            if (ev.Type == WatchEventType.Deleted)
            {
                Objects(ev.StorageKey).Remove(key);
            }
            else
            {
                Objects(ev.StorageKey)[key] = ev.Object;
            }

            _resourceVersion = ev.ResourceVersion;
            return Record(ev);
        }
    }

    /// <summary>Rebuilds the map and the watch history from the backend (at construction).</summary>
    private void Load()
    {
        var contents = _backend.Load(_history.Length);
        var parsed = new Dictionary<long, JsonObject>();
        JsonObject At(long rv, ReadOnlyMemory<byte> value)
        {
            if (!parsed.TryGetValue(rv, out var obj))
            {
                obj = Parse(value, rv);
                parsed[rv] = obj;
            }

            return obj;
        }

        lock (_lock)
        {
            foreach (var o in contents.Objects)
            {
                Objects(o.StorageKey)[o.ObjectKey] = At(o.Revision, o.Value);
            }

            foreach (var c in contents.History)
            {
                var old = c.OldValue is { } oldValue ? At(c.OldRevision, oldValue) : null;
                var obj = c.Type == WatchEventType.Deleted ? Parse(c.Value, c.Revision) : At(c.Revision, c.Value);
                Record(new WatchEvent(c.Revision, c.StorageKey, c.Type, obj, old));
            }

            _resourceVersion = contents.Revision;
            _historyFloor = contents.History.Count >= _history.Length && contents.History.Count > 0
                ? contents.History[0].Revision
                : contents.CompactRevision + 1;
        }
    }

    private long OldestLocked()
    {
        if (_historyCount <= _history.Length)
        {
            return _historyFloor;
        }

        return _history[_historyCount % _history.Length]!.ResourceVersion;
    }

    private SortedDictionary<string, JsonObject> Objects(string storageKey)
    {
        if (!_resources.TryGetValue(storageKey, out var objects))
        {
            objects = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
            _resources[storageKey] = objects;
        }

        return objects;
    }

    private WatchEvent Record(WatchEvent ev)
    {
        _history[_historyCount % _history.Length] = ev;
        _historyCount++;
        foreach (var w in _watchers)
        {
            if (w.StorageKey == ev.StorageKey)
            {
                w.Channel.Writer.TryWrite(ev);
            }
        }

        return ev;
    }
}

/// <summary>A subscription to one resource's events; dispose to stop.</summary>
public sealed class Watcher : IDisposable
{
    private readonly ObjectStore _store;

    internal Watcher(ObjectStore store, string storageKey)
    {
        _store = store;
        StorageKey = storageKey;
    }

    public string StorageKey { get; }

    /// <summary>The store's resourceVersion when the watch started (for bookmarks before any event).</summary>
    public long StartResourceVersion { get; internal set; }

    public Channel<WatchEvent> Channel { get; } = System.Threading.Channels.Channel.CreateUnbounded<WatchEvent>(new UnboundedChannelOptions { SingleReader = true });

    public void Dispose() => _store.Unsubscribe(this);
}
