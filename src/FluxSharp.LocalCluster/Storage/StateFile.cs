using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluxSharp.LocalCluster.Storage;

/// <summary>
/// Keeps the store on disk under the state dir: written shortly after changes (debounced) and on stop,
/// atomically (temp file + rename), so a restart finds every object as it was.
/// </summary>
internal sealed class StateFile : IAsyncDisposable
{
    private readonly ObjectStore _store;
    private readonly string _path;
    private readonly TimeSpan _debounce;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private int _dirty;
    private Task? _loop;

    public StateFile(ObjectStore store, string stateDir, TimeSpan debounce)
    {
        _store = store;
        _path = Path.Combine(stateDir, "objects.json");
        _debounce = debounce;
    }

    /// <summary>Loads the saved objects into the (empty) store; returns how many.</summary>
    public async Task<int> LoadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(_path))
        {
            return 0;
        }

        await using var stream = File.OpenRead(_path);
        var root = await JsonNode.ParseAsync(stream, cancellationToken: cancellationToken) as JsonObject
            ?? throw new InvalidDataException($"{_path} is not a JSON object");
        var rv = root["resourceVersion"]?.GetValue<long>() ?? 0;
        var objects = (root["objects"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(e => (e["storageKey"]!.GetValue<string>(), (JsonObject)e["object"]!.DeepClone()))
            .ToList();
        _store.Restore(rv, objects);
        return objects.Count;
    }

    public void Start()
    {
        _store.Changed += _ => Interlocked.Exchange(ref _dirty, 1);
        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(_debounce);
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                if (Interlocked.Exchange(ref _dirty, 0) == 1)
                {
                    await SaveAsync(_stop.Token);
                }
            }
        });
    }

    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            var (rv, objects) = _store.Snapshot();
            var temp = _path + ".tmp";
            await using (var stream = File.Create(temp))
            await using (var writer = new Utf8JsonWriter(stream))
            {
                writer.WriteStartObject();
                writer.WriteNumber("resourceVersion", rv);
                writer.WriteStartArray("objects");
                foreach (var (key, obj) in objects)
                {
                    writer.WriteStartObject();
                    writer.WriteString("storageKey", key);
                    writer.WritePropertyName("object");
                    obj.WriteTo(writer);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            File.Move(temp, _path, overwrite: true);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }

        await SaveAsync(CancellationToken.None);
        _stop.Dispose();
        _writeLock.Dispose();
    }
}
