using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Etcdserverpb;
using FluxSharp.LocalCluster.Objects;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using EtcdClient = dotnet_etcd.EtcdClient;

namespace FluxSharp.LocalCluster.Storage;

/// <summary>Where and how the etcd datastore keeps the control plane's objects.</summary>
public sealed record EtcdStorageOptions
{
    /// <summary>etcd's client URLs, comma-separated as etcdctl's --endpoints (http:// or https://); the first that answers is used.</summary>
    public string Endpoints { get; init; } = "http://127.0.0.1:2379";

    /// <summary>Keys are &lt;prefix&gt;/&lt;group&gt;/&lt;plural&gt;/&lt;namespace&gt;/&lt;name&gt;, as kube-apiserver's --etcd-prefix.</summary>
    public string Prefix { get; init; } = "/registry";

    /// <summary>The deadline of every etcd call (a write, a page of a read, a compaction).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The deadline of reading everything at start (objects and the watch history).</summary>
    public TimeSpan LoadTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Revisions kept behind the newest for watches to resume from (after a restart too); older ones are compacted.</summary>
    public int KeepRevisions { get; init; } = 20000;

    /// <summary>Compaction runs once this many revisions beyond <see cref="KeepRevisions"/> have piled up.</summary>
    public int CompactBatch { get; init; } = 1000;
}

/// <summary>
/// The datastore on etcd, as kube-apiserver keeps Kubernetes state: one key per object,
/// <c>&lt;prefix&gt;/&lt;group&gt;/&lt;plural&gt;/&lt;namespace&gt;/&lt;name&gt;</c> (the core group has no segment, a cluster-scoped
/// object an empty namespace: <c>/registry/configmaps/default/a</c>, <c>/registry/namespaces//default</c>), holding the
/// object's JSON without its resourceVersion. etcd's revision is the resourceVersion: each write is one transaction
/// that compares the key's mod revision with the one being replaced (its create revision with 0 for a create), so a
/// change made behind this control plane's back is refused, not overwritten. etcd's MVCC history is the watch history:
/// at start it is replayed (a watch from the oldest kept revision with the previous values), and compaction asks etcd
/// to drop revisions older than <see cref="EtcdStorageOptions.KeepRevisions"/>. Every write also touches one key
/// beside the objects (<c>&lt;prefix&gt;!last</c>), whose mod revision says where the replay ends.
/// </summary>
public sealed class EtcdStorageBackend : IStorageBackend
{
    private const int PageSize = 500;

    /// <summary>etcd's gap between two revisions is one write: an import does not jump further than this.</summary>
    private const long MaxRevisionAdvance = 100_000;

    private readonly EtcdClient _client;
    private readonly GrpcChannel _channel;
    private readonly EtcdStorageOptions _options;
    private readonly ByteString _objectsFrom;
    private readonly ByteString _objectsTo;
    private readonly ByteString _lastKey;
    private readonly ArrayBufferWriter<byte> _buffer = new();
    private long _nextCompaction;
    private int _compacting;

    private EtcdStorageBackend(GrpcChannel channel, string endpoint, EtcdStorageOptions options)
    {
        _channel = channel;
        _client = new EtcdClient(channel.CreateCallInvoker());
        Endpoint = endpoint;
        _options = options;
        var prefix = options.Prefix.TrimEnd('/');
        Prefix = prefix;
        _objectsFrom = ByteString.CopyFromUtf8(prefix + "/");
        _objectsTo = ByteString.CopyFromUtf8(prefix + "0"); // '0' follows '/': the range end of the prefix "<prefix>/".
        _lastKey = ByteString.CopyFromUtf8(prefix + "!last");
    }

    /// <summary>The endpoint in use (scheme, host and port only).</summary>
    public string Endpoint { get; }

    /// <summary>The key prefix, without a trailing slash.</summary>
    public string Prefix { get; }

    public bool Durable => true;

    /// <summary>
    /// Connects to the first of the endpoints that answers a read within the timeout. None answering gives a
    /// <see cref="StorageUnavailableException"/> naming them, which `fluxsharp dev` prints as its one error line.
    /// </summary>
    public static EtcdStorageBackend Open(EtcdStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var endpoints = ParseEndpoints(options.Endpoints);
        if (options.Prefix.Length == 0 || options.Prefix[0] != '/' || options.Prefix.TrimEnd('/').Length == 0)
        {
            throw new StorageUnavailableException($"etcd prefix \"{options.Prefix}\": must start with / and name something, e.g. /registry");
        }

        var failures = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var channel = GrpcChannel.ForAddress(endpoint, new GrpcChannelOptions
            {
                // A page of objects or of watch events is far below this; etcd's own request limit is 1.5 MiB.
                MaxReceiveMessageSize = 64 * 1024 * 1024,
                HttpHandler = new SocketsHttpHandler { ConnectTimeout = options.Timeout, EnableMultipleHttp2Connections = true },
            });
            var backend = new EtcdStorageBackend(channel, Display(endpoint), options);
            try
            {
                backend._client.Get(new RangeRequest { Key = backend._lastKey }, deadline: backend.Deadline());
                return backend;
            }
            catch (RpcException e)
            {
                failures.Add($"{Display(endpoint)}: {Detail(e)}");
                backend.Dispose();
            }
        }

        throw new StorageUnavailableException($"cannot reach etcd at {string.Join(", ", failures)}; start etcd or pass the right --etcd-endpoints");
    }

    public StorageContents Load(int historyLimit)
    {
        // At start, on no request's thread: the replay is a stream, read asynchronously.
        return Task.Run(() => LoadAsync(historyLimit)).GetAwaiter().GetResult();
    }

    public long Commit(StorageWrite write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var key = Key(write.StorageKey, write.ObjectKey);
        var txn = new TxnRequest();
        txn.Compare.Add(write.PrevRevision == 0
            ? new Compare { Key = key, Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = 0 }
            : new Compare { Key = key, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = write.PrevRevision });
        txn.Success.Add(write.Value is null
            ? new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = key } }
            : new RequestOp { RequestPut = new PutRequest { Key = key, Value = Serialize(write.Value) } });
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = _lastKey } });

        var response = Call(() => _client.Transaction(txn, deadline: Deadline()), $"writing {key.ToStringUtf8()}");
        if (!response.Succeeded)
        {
            throw new ApiException($"etcd at {Endpoint}: {key.ToStringUtf8()} was changed by another program (expected {(write.PrevRevision == 0 ? "no key" : "mod revision " + write.PrevRevision.ToString(CultureInfo.InvariantCulture))}); one control plane per etcd prefix, restart to reload");
        }

        var revision = response.Header.Revision;
        if (revision >= _nextCompaction)
        {
            _nextCompaction = revision + _options.CompactBatch;
            CompactInBackground(revision - _options.KeepRevisions);
        }

        return revision;
    }

    /// <summary>
    /// Puts each object (etcd picks the revisions: they are returned) into an empty prefix, then writes until etcd's
    /// revision has passed <paramref name="revision"/>, so no revision a client saw before the import comes again.
    /// </summary>
    public IReadOnlyList<long> Import(IReadOnlyList<ImportedObject> objects, long revision)
    {
        ArgumentNullException.ThrowIfNull(objects);
        var revisions = new List<long>(objects.Count);
        long current = 0;
        foreach (var o in objects)
        {
            var key = Key(o.StorageKey, o.ObjectKey);
            var txn = new TxnRequest();
            txn.Compare.Add(new Compare { Key = key, Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = 0 });
            txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = key, Value = Serialize(o.Value) } });
            txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = _lastKey } });
            var response = Call(() => _client.Transaction(txn, deadline: Deadline()), $"importing {key.ToStringUtf8()}");
            if (!response.Succeeded)
            {
                throw new StorageUnavailableException($"etcd at {Endpoint}: cannot import into {Prefix}/: {key.ToStringUtf8()} exists already");
            }

            current = response.Header.Revision;
            revisions.Add(current);
        }

        if (current == 0)
        {
            current = Call(() => _client.Get(new RangeRequest { Key = _lastKey }, deadline: Deadline()), "reading the revision").Header.Revision;
        }

        if (revision - current > MaxRevisionAdvance)
        {
            throw new StorageUnavailableException($"etcd at {Endpoint}: its revision {current} is {revision - current} behind the imported state's {revision}; import into an etcd at least that far along");
        }

        while (current < revision)
        {
            current = Call(() => _client.Put(new PutRequest { Key = _lastKey }, deadline: Deadline()), "advancing the revision").Header.Revision;
        }

        return revisions;
    }

    /// <summary>Asks etcd to drop the revisions before <paramref name="revision"/> (watches from them get 410 Gone after a restart).</summary>
    public void Compact(long revision)
    {
        if (revision > 0)
        {
            Call(() => _client.Compact(new CompactionRequest { Revision = revision }, deadline: Deadline()), $"compacting to revision {revision}");
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        _channel.Dispose();
    }

    private static List<Uri> ParseEndpoints(string endpoints)
    {
        var list = new List<Uri>();
        foreach (var text in endpoints.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.UserInfo.Length > 0 || uri.AbsolutePath != "/")
            {
                throw new StorageUnavailableException($"--etcd-endpoints: \"{(Uri.TryCreate(text, UriKind.Absolute, out var u) ? Display(u) : text)}\" is not an etcd client URL such as http://127.0.0.1:2379");
            }

            list.Add(uri);
        }

        return list.Count > 0 ? list : throw new StorageUnavailableException("--etcd-endpoints: no endpoint given (e.g. http://127.0.0.1:2379)");
    }

    /// <summary>Scheme, host and port: never credentials.</summary>
    private static string Display(Uri uri) => $"{uri.Scheme}://{uri.Host}:{uri.Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>What went wrong, with the socket's own words when there are some ("Connection refused").</summary>
    private static string Detail(RpcException e)
    {
        if (e.StatusCode == StatusCode.DeadlineExceeded)
        {
            return "no answer in time";
        }

        var cause = e.Status.DebugException;
        while (cause?.InnerException is { } inner)
        {
            cause = inner;
        }

        return cause is null ? $"{e.StatusCode}: {e.Status.Detail.TrimEnd('.')}" : $"{e.StatusCode}: {cause.Message.TrimEnd('.')}";
    }

    private static WatchEventType TypeOf(Mvccpb.Event ev) =>
        ev.Type == Mvccpb.Event.Types.EventType.Delete ? WatchEventType.Deleted
        : ev.Kv.CreateRevision == ev.Kv.ModRevision ? WatchEventType.Added
        : WatchEventType.Modified;

    private async Task<StorageContents> LoadAsync(int historyLimit)
    {
        using var deadline = new CancellationTokenSource(_options.LoadTimeout);
        try
        {
            // The objects, page by page, all at the revision of the first page.
            var objects = new List<StoredObject>();
            var from = _objectsFrom;
            long revision = 0;
            while (true)
            {
                var page = await _client.GetAsync(
                    new RangeRequest { Key = from, RangeEnd = _objectsTo, Limit = PageSize, Revision = revision },
                    deadline: Deadline(),
                    cancellationToken: deadline.Token);
                revision = page.Header.Revision;
                foreach (var kv in page.Kvs)
                {
                    var (storageKey, objectKey) = Split(kv.Key);
                    objects.Add(new StoredObject(storageKey, objectKey, kv.ModRevision, kv.Value.Memory));
                }

                if (!page.More || page.Kvs.Count == 0)
                {
                    break;
                }

                from = ByteString.CopyFrom([.. page.Kvs[^1].Key.Span, 0]);
            }

            var last = await _client.GetAsync(new RangeRequest { Key = _lastKey }, deadline: Deadline(), cancellationToken: deadline.Token);
            var lastChange = last.Kvs.Count == 0 ? 0 : last.Kvs[0].ModRevision;
            var (history, compactRevision) = await ReplayAsync(Math.Max(1, revision - historyLimit + 1), lastChange, deadline.Token);
            _nextCompaction = revision + _options.CompactBatch;
            return new StorageContents(revision, compactRevision, objects, history);
        }
        catch (RpcException e)
        {
            throw new StorageUnavailableException($"etcd at {Endpoint}: cannot read {Prefix}/ ({Detail(e)})", e);
        }
        catch (OperationCanceledException e)
        {
            throw new StorageUnavailableException($"etcd at {Endpoint}: reading {Prefix}/ took longer than {_options.LoadTimeout}", e);
        }
    }

    /// <summary>
    /// The changes from <paramref name="start"/> through <paramref name="lastChange"/> (the last write of ours), read
    /// with a watch that brings each change's previous value. A compacted start moves up to etcd's compact revision.
    /// Returns the changes and the revision after which the history is complete.
    /// </summary>
    private async Task<(List<StoredChange> History, long CompactRevision)> ReplayAsync(long start, long lastChange, CancellationToken cancellationToken)
    {
        var history = new List<StoredChange>();
        while (lastChange >= start)
        {
            using var call = new Watch.WatchClient(_channel).Watch(cancellationToken: cancellationToken);
            await call.RequestStream.WriteAsync(new WatchRequest { CreateRequest = new WatchCreateRequest { Key = _objectsFrom, RangeEnd = _objectsTo, StartRevision = start, PrevKv = true } }, cancellationToken);
            var compacted = 0L;
            while (compacted == 0 && await call.ResponseStream.MoveNext(cancellationToken))
            {
                var response = call.ResponseStream.Current;
                if (response.Canceled)
                {
                    compacted = response.CompactRevision > 0
                        ? response.CompactRevision
                        : throw new StorageUnavailableException($"etcd at {Endpoint}: the watch of {Prefix}/ was refused ({response.CancelReason})");
                    break;
                }

                foreach (var ev in response.Events)
                {
                    if (Change(ev) is { } change)
                    {
                        history.Add(change);
                    }
                }

                if (response.Events.Count > 0 && response.Events[^1].Kv.ModRevision >= lastChange)
                {
                    await call.RequestStream.CompleteAsync();
                    return (history, start - 1);
                }
            }

            if (compacted == 0)
            {
                throw new StorageUnavailableException($"etcd at {Endpoint}: the watch of {Prefix}/ ended before revision {lastChange}");
            }

            // Revisions before the compact revision are gone: the history starts after it.
            history.Clear();
            start = compacted + 1;
        }

        return (history, start - 1);
    }

    private StoredChange? Change(Mvccpb.Event ev)
    {
        var (storageKey, _) = Split(ev.Kv.Key);
        var type = TypeOf(ev);
        var old = ev.PrevKv;
        if (type == WatchEventType.Deleted)
        {
            // A deletion whose last state was compacted cannot be replayed; it is older than any resumable watch.
            return old is null ? null : new StoredChange(ev.Kv.ModRevision, storageKey, type, old.Value.Memory, old.ModRevision, old.Value.Memory);
        }

        // (Spelled out: a bare null here would become an empty ReadOnlyMemory, not "no old value".)
        ReadOnlyMemory<byte>? oldValue = type == WatchEventType.Added || old is null ? (ReadOnlyMemory<byte>?)null : old.Value.Memory;
        return new StoredChange(ev.Kv.ModRevision, storageKey, type, ev.Kv.Value.Memory, old?.ModRevision ?? 0, oldValue);
    }

    /// <summary>Compaction off the write path; one at a time; a failure (etcd compacted further already) is retried at the next batch.</summary>
    private void CompactInBackground(long revision)
    {
        if (revision <= 0 || Interlocked.Exchange(ref _compacting, 1) == 1)
        {
            return;
        }

        _ = Task.Run(() =>
        {
            try
            {
                Compact(revision);
            }
            catch (ApiException)
            {
                // The writes are committed; the next batch tries again.
            }
            finally
            {
                Volatile.Write(ref _compacting, 0);
            }
        });
    }

    private ByteString Key(string storageKey, string objectKey) => ByteString.CopyFromUtf8(Prefix + "/" + storageKey.TrimStart('/') + "/" + objectKey);

    /// <summary>A key back into storage key and namespace/name: three segments after the prefix for the core group, four otherwise (names hold no slash).</summary>
    private (string StorageKey, string ObjectKey) Split(ByteString key)
    {
        var text = key.ToStringUtf8();
        var parts = text[(Prefix.Length + 1)..].Split('/');
        return parts.Length switch
        {
            3 => ("/" + parts[0], parts[1] + "/" + parts[2]),
            4 => (parts[0] + "/" + parts[1], parts[2] + "/" + parts[3]),
            _ => throw new StorageUnavailableException($"etcd at {Endpoint}: key {text} is not {Prefix}/<group>/<plural>/<namespace>/<name>; is another program using the prefix {Prefix}? pass another --etcd-prefix"),
        };
    }

    private DateTime Deadline() => DateTime.UtcNow + _options.Timeout;

    /// <summary>One etcd call; its failure becomes a 500 naming etcd's endpoint and what was being done.</summary>
    private T Call<T>(Func<T> call, string what)
    {
        try
        {
            return call();
        }
        catch (RpcException e)
        {
            throw new ApiException($"etcd at {Endpoint}: {what}: {Detail(e)}", e);
        }
    }

    private ByteString Serialize(System.Text.Json.Nodes.JsonObject value)
    {
        _buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(_buffer, Obj.WriterOptions))
        {
            value.WriteTo(writer);
        }

        return ByteString.CopyFrom(_buffer.WrittenSpan);
    }
}

/// <summary>The datastore cannot be reached or read (etcd down, a bad endpoint): the message names it.</summary>
public sealed class StorageUnavailableException : IOException
{
    public StorageUnavailableException()
    {
    }

    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    public StorageUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
