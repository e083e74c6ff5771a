using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluxSharp.LocalCluster.Storage;

/// <summary>
/// The state format before the datastore: every object in one <c>objects.json</c>, snapshotted by a timer. Only read
/// now, once, to migrate a state dir: its objects go into the datastore (keeping their resourceVersions) and the file
/// is renamed <c>objects.json.migrated</c>.
/// </summary>
internal static class StateFile
{
    /// <summary>Imports objects.json into an empty store and renames it; returns how many objects it held (0 when there was none).</summary>
    public static async Task<int> MigrateAsync(StateDirectory dir, ObjectStore store, bool alreadyImported, CancellationToken cancellationToken)
    {
        var path = dir.LegacyObjectsPath;
        if (!File.Exists(path))
        {
            return 0;
        }

        if (alreadyImported)
        {
            // Imported before, stopped before the rename.
            File.Move(path, dir.MigratedObjectsPath, overwrite: true);
            return 0;
        }

        if (store.CurrentResourceVersion > 0)
        {
            throw new StateDirException($"{path}: the state dir also has a database ({dir.DatabasePath}) with objects; move {StateDirectory.LegacyObjectsFileName} away to use the database");
        }

        var (rv, objects) = await ReadAsync(path, cancellationToken);
        store.Restore(rv, objects);
        File.Move(path, dir.MigratedObjectsPath, overwrite: true);
        StateDirectory.MakePrivate(dir.MigratedObjectsPath);
        return objects.Count;
    }

    /// <summary>Reads an objects.json; anything unreadable gives a <see cref="StateDirException"/> naming the file.</summary>
    public static async Task<(long ResourceVersion, List<(string StorageKey, JsonObject Object)> Objects)> ReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = File.OpenRead(path);
            var root = await JsonNode.ParseAsync(stream, cancellationToken: cancellationToken) as JsonObject
                ?? throw new InvalidDataException("not a JSON object");
            var rv = root["resourceVersion"]?.GetValue<long>() ?? 0;
            var objects = (root["objects"] as JsonArray ?? [])
                .Select(e => e as JsonObject ?? throw new InvalidDataException("an entry of objects is not a JSON object"))
                .Select(e => (
                    e["storageKey"]?.GetValue<string>() ?? throw new InvalidDataException("an entry has no storageKey"),
                    (e["object"] as JsonObject ?? throw new InvalidDataException("an entry has no object")).DeepClone().AsObject()))
                .ToList();
            return (rv, objects);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or InvalidOperationException or FormatException)
        {
            throw new StateDirException($"{path}: not a readable state file ({e.Message.TrimEnd('.')}); fix it or move it away to start with an empty state", e);
        }
    }
}
