using System.Text.Json.Nodes;

namespace FluxSharp.LocalCluster.Storage;

/// <summary>
/// Where <see cref="ObjectStore"/> keeps its writes: an ordered log of revisions, one per change, the way kine keeps
/// Kubernetes state in SQL and etcd in its MVCC store. The backend assigns each write its revision (the object's
/// resourceVersion: monotonic, never reused, also across restarts) and returns only once the write is durable.
/// Writes come one at a time (the store serializes them), so a backend needs no locking of its own.
/// </summary>
public interface IStorageBackend : IDisposable
{
    /// <summary>False for the in-memory backend: nothing survives the process.</summary>
    bool Durable { get; }

    /// <summary>Everything needed to rebuild the store: current objects, the latest revisions for watches, the counters.</summary>
    StorageContents Load(int historyLimit);

    /// <summary>Commits one change and returns its revision; the change is durable when this returns.</summary>
    long Commit(StorageWrite write);

    /// <summary>
    /// Loads objects into an empty backend (migration from an older state format) and returns the revision each got:
    /// SQLite and memory keep the given ones (unique, positive); a backend that cannot choose revisions (etcd) returns its own.
    /// Afterwards no revision up to <paramref name="revision"/> is handed out, and history starts after it.
    /// </summary>
    IReadOnlyList<long> Import(IReadOnlyList<ImportedObject> objects, long revision);
}

/// <summary>
/// One change. <see cref="Value"/> is the object without its resourceVersion (the revision is the resourceVersion),
/// null for a deletion; a backend serializes it during <see cref="IStorageBackend.Commit"/> (the store stamps it after).
/// <see cref="PrevRevision"/> is the revision being replaced or deleted (0 for a create): kine's prev_revision, and
/// what an etcd backend compares the key's mod revision with.
/// </summary>
public sealed record StorageWrite(string StorageKey, string ObjectKey, WatchEventType Type, JsonObject? Value, long PrevRevision);

/// <summary>What a backend holds: <see cref="History"/> is the latest changes after <see cref="CompactRevision"/>, oldest first.</summary>
public sealed record StorageContents(long Revision, long CompactRevision, IReadOnlyList<StoredObject> Objects, IReadOnlyList<StoredChange> History);

/// <summary>A current object as stored (UTF-8 JSON without its resourceVersion) at its revision.</summary>
public sealed record StoredObject(string StorageKey, string ObjectKey, long Revision, ReadOnlyMemory<byte> Value);

/// <summary>
/// One past change. <see cref="Value"/> is the state it wrote (for a deletion: the state deleted);
/// <see cref="OldValue"/> the state before at <see cref="OldRevision"/> (none for a create).
/// </summary>
public sealed record StoredChange(long Revision, string StorageKey, WatchEventType Type, ReadOnlyMemory<byte> Value, long OldRevision, ReadOnlyMemory<byte>? OldValue);

/// <summary>An object brought in by <see cref="IStorageBackend.Import"/>, with the resourceVersion it had.</summary>
public sealed record ImportedObject(string StorageKey, string ObjectKey, long Revision, JsonObject Value);

/// <summary>No persistence: revisions from a counter. For tests, benchmarks and a control plane without a state dir.</summary>
public sealed class MemoryStorageBackend : IStorageBackend
{
    private long _revision;

    public bool Durable => false;

    public StorageContents Load(int historyLimit) => new(_revision, 0, [], []);

    public long Commit(StorageWrite write) => ++_revision;

    public IReadOnlyList<long> Import(IReadOnlyList<ImportedObject> objects, long revision)
    {
        _revision = Math.Max(_revision, Math.Max(revision, objects.Count == 0 ? 0 : objects.Max(o => o.Revision)));
        return objects.Select(o => o.Revision).ToList();
    }

    public void Dispose()
    {
        // Nothing held.
    }
}
