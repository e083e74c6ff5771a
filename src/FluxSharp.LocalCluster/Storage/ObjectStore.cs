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
/// One lock guards everything: writes are cheap and ordered, which gives the single monotonic resourceVersion
/// and a totally ordered event history for watches. Stored JsonObjects are never mutated after they are stored;
/// readers get them as they are and must clone before changing.
/// </summary>
public sealed class ObjectStore
{
    private readonly object _lock = new();
    private readonly Dictionary<string, SortedDictionary<string, JsonObject>> _resources = new(StringComparer.Ordinal);
    private readonly WatchEvent?[] _history;
    private readonly List<Watcher> _watchers = [];
    private long _historyCount;
    private long _resourceVersion;

    public ObjectStore(int historySize = 20000)
    {
        _history = new WatchEvent?[historySize];
    }

    /// <summary>Raised after every change, outside the lock (used for persistence and in-process controllers).</summary>
    public event Action<WatchEvent>? Changed;

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
        lock (_lock)
        {
            var objects = Objects(storageKey);
            var key = ObjectKey(Obj.Namespace(obj), Obj.Name(obj));
            if (objects.TryGetValue(key, out var existing))
            {
                stored = existing;
                return false;
            }

            var rv = ++_resourceVersion;
            Obj.Metadata(obj)["resourceVersion"] = rv.ToString(System.Globalization.CultureInfo.InvariantCulture);
            objects[key] = obj;
            stored = obj;
            ev = Record(new WatchEvent(rv, storageKey, WatchEventType.Added, obj, null));
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
        lock (_lock)
        {
            var objects = Objects(storageKey);
            var key = ObjectKey(Obj.Namespace(obj), Obj.Name(obj));
            if (!objects.TryGetValue(key, out var existing))
            {
                return null;
            }

            if (Obj.ResourceVersion(existing) != expectedResourceVersion)
            {
                conflict = true;
                return existing;
            }

            var rv = ++_resourceVersion;
            Obj.Metadata(obj)["resourceVersion"] = rv.ToString(System.Globalization.CultureInfo.InvariantCulture);
            objects[key] = obj;
            ev = Record(new WatchEvent(rv, storageKey, WatchEventType.Modified, obj, existing));
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
        lock (_lock)
        {
            var objects = Objects(storageKey);
            var key = ObjectKey(ns, name);
            if (!objects.TryGetValue(key, out var existing))
            {
                return null;
            }

            if (expectedResourceVersion is not null && Obj.ResourceVersion(existing) != expectedResourceVersion)
            {
                conflict = true;
                return existing;
            }

            objects.Remove(key);
            var rv = ++_resourceVersion;
            removed = Obj.Clone(existing);
            Obj.Metadata(removed)["resourceVersion"] = rv.ToString(System.Globalization.CultureInfo.InvariantCulture);
            ev = Record(new WatchEvent(rv, storageKey, WatchEventType.Deleted, removed, existing));
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

    /// <summary>Loads persisted objects into an empty store (no events).</summary>
    public void Restore(long resourceVersion, IEnumerable<(string StorageKey, JsonObject Object)> objects)
    {
        lock (_lock)
        {
            foreach (var (key, obj) in objects)
            {
                Objects(key)[ObjectKey(Obj.Namespace(obj), Obj.Name(obj))] = obj;
            }

            _resourceVersion = Math.Max(_resourceVersion, resourceVersion);
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

    /// <summary>
    /// Stored objects are re-read from their JSON text: one uniform number representation whatever code built them,
    /// and a tree no caller holds a reference into.
    /// </summary>
    private static JsonObject Normalize(JsonObject obj) => (JsonObject)JsonNode.Parse(obj.ToJsonString())!;

    internal void Unsubscribe(Watcher watcher)
    {
        lock (_lock)
        {
            _watchers.Remove(watcher);
        }

        watcher.Channel.Writer.TryComplete();
    }

    private long OldestLocked()
    {
        if (_historyCount <= _history.Length)
        {
            return 1;
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
