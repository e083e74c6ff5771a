using System.Buffers;
using System.Text.Json;
using FluxSharp.LocalCluster.Objects;
using Microsoft.Data.Sqlite;

namespace FluxSharp.LocalCluster.Storage;

/// <summary>
/// How hard SQLite pushes each commit to disk. In WAL mode, <see cref="Normal"/> writes every commit to the WAL file
/// before it returns (a process crash or kill -9 loses nothing acknowledged; only a power loss or OS crash may lose
/// the last commits) and fsyncs at checkpoints; <see cref="Full"/> also fsyncs the WAL on every commit (survives power loss too).
/// </summary>
public enum SqliteSynchronous
{
    Normal,
    Full,
}

/// <summary>How the SQLite datastore keeps and compacts revisions.</summary>
public sealed record SqliteStorageOptions
{
    /// <summary>See <see cref="SqliteSynchronous"/>; NORMAL by default, as k3s's kine and most WAL users run.</summary>
    public SqliteSynchronous Synchronous { get; init; } = SqliteSynchronous.Normal;

    /// <summary>Revisions kept behind the newest for watches to resume from (after a restart too); older ones are compacted.</summary>
    public int KeepRevisions { get; init; } = 20000;

    /// <summary>Compaction runs once this many revisions beyond <see cref="KeepRevisions"/> have piled up.</summary>
    public int CompactBatch { get; init; } = 1000;

    /// <summary>Commits between two checkpoints (WAL copied back into the database file), run off the write path.</summary>
    public int CheckpointEvery { get; init; } = 500;
}

/// <summary>
/// The datastore on SQLite, laid out like k3s's kine: one table of revisions, one row per change —
/// <c>id</c> (the revision: the resourceVersion, AUTOINCREMENT so never reused, even after deleting the newest rows),
/// <c>name</c> (storage key and namespace/name), <c>created</c>/<c>deleted</c> (what the change was),
/// <c>create_revision</c>, <c>prev_revision</c> (the row it replaced) and <c>value</c> (the object's JSON without its
/// resourceVersion; NULL for a deletion). The current objects are the newest row of each name unless it is a deletion.
/// Compaction deletes rows superseded at or before the compact revision and deletions at or before it, as kine does,
/// so every change after it still finds the row it replaced. One connection, used one write at a time; WAL mode.
/// </summary>
public sealed class SqliteStorageBackend : IStorageBackend
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS kine (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          name TEXT NOT NULL,
          created INTEGER NOT NULL,
          deleted INTEGER NOT NULL,
          create_revision INTEGER NOT NULL,
          prev_revision INTEGER NOT NULL,
          value BLOB
        );
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
        """;

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insert;
    private readonly SqliteStorageOptions _options;
    private readonly ArrayBufferWriter<byte> _buffer = new();
    private readonly SqliteConnection _checkpointConnection;
    private readonly SemaphoreSlim _checkpointDue = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _checkpoints;
    private long _compactRevision;
    private long _nextCompaction;
    private int _commitsSinceCheckpoint;
    private int _commitsSinceCompleteCheckpoint;

    private SqliteStorageBackend(string path, SqliteConnection connection, SqliteConnection checkpointConnection, SqliteStorageOptions options)
    {
        Path = path;
        _connection = connection;
        _checkpointConnection = checkpointConnection;
        _options = options;
        _checkpoints = Task.Run(CheckpointLoopAsync);
        _insert = connection.CreateCommand();
        // A create's create_revision is 0 (meaning: this row); a later row inherits it from the row it replaces.
        _insert.CommandText = """
            INSERT INTO kine (name, created, deleted, create_revision, prev_revision, value)
            VALUES ($name, $created, $deleted,
              CASE WHEN $prev = 0 THEN 0 ELSE COALESCE((SELECT CASE WHEN create_revision = 0 THEN id ELSE create_revision END FROM kine WHERE id = $prev), 0) END,
              $prev, $value)
            RETURNING id
            """;
        _insert.Parameters.Add("$name", SqliteType.Text);
        _insert.Parameters.Add("$created", SqliteType.Integer);
        _insert.Parameters.Add("$deleted", SqliteType.Integer);
        _insert.Parameters.Add("$prev", SqliteType.Integer);
        _insert.Parameters.Add("$value", SqliteType.Blob);
        _insert.Prepare();
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    public bool Durable => true;

    /// <summary>For tests: the connection, to read pragmas and rows.</summary>
    internal SqliteConnection Connection => _connection;

    /// <summary>True once <see cref="Import"/> has committed (migration done, even if renaming the old file was not).</summary>
    public bool Imported => Meta("imported") == 1;

    /// <summary>
    /// Opens (creating when absent, mode 0600; SQLite gives its -wal and -shm files the database file's mode) and
    /// prepares the database. A file that is not a readable SQLite database gives a <see cref="StateDirException"/> naming it.
    /// </summary>
    public static SqliteStorageBackend Open(string path, SqliteStorageOptions? options = null)
    {
        options ??= new SqliteStorageOptions();
        StateDirectory.CreatePrivateFile(path);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
        }.ToString();
        var connection = new SqliteConnection(connectionString);
        var checkpointConnection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            // WAL: a commit appends to the -wal file, readers never block the writer. synchronous=NORMAL in WAL mode:
            // the commit is written to the WAL (in the OS page cache) before it returns, so a process crash (kill -9)
            // loses nothing acknowledged; only a power loss/OS crash may lose the last commits (FULL fsyncs each one).
            Exec(connection, "PRAGMA journal_mode = WAL");
            Exec(connection, options.Synchronous == SqliteSynchronous.Full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
            // Checkpoints (which fsync) run on a connection of their own in the background, never inside a write.
            Exec(connection, "PRAGMA wal_autocheckpoint = 0");
            // A WAL grown by a burst of writes is cut back to this size when it restarts.
            Exec(connection, "PRAGMA journal_size_limit = 16777216");
            Exec(connection, Schema);
            checkpointConnection.Open();
            var backend = new SqliteStorageBackend(path, connection, checkpointConnection, options);
            backend._compactRevision = backend.Meta("compact_revision");
            backend._nextCompaction = backend._compactRevision + options.KeepRevisions + options.CompactBatch;
            foreach (var suffix in new[] { "-wal", "-shm" })
            {
                StateDirectory.MakePrivate(path + suffix);
            }

            return backend;
        }
        catch (SqliteException e)
        {
            checkpointConnection.Dispose();
            connection.Dispose();
            throw Unreadable(path, e);
        }
    }

    public StorageContents Load(int historyLimit)
    {
        try
        {
            var revision = Revision();
            var objects = new List<StoredObject>();
            using (var current = _connection.CreateCommand())
            {
                current.CommandText = "SELECT id, name, value FROM kine WHERE id IN (SELECT MAX(id) FROM kine GROUP BY name) AND deleted = 0 ORDER BY id";
                using var reader = current.ExecuteReader();
                while (reader.Read())
                {
                    var (storageKey, objectKey) = SplitName(reader.GetString(1));
                    objects.Add(new StoredObject(storageKey, objectKey, reader.GetInt64(0), (byte[])reader.GetValue(2)));
                }
            }

            var history = new List<StoredChange>();
            using (var changes = _connection.CreateCommand())
            {
                changes.CommandText = """
                    SELECT k.id, k.name, k.created, k.deleted, k.value, k.prev_revision, p.value
                    FROM kine k LEFT JOIN kine p ON p.id = k.prev_revision
                    WHERE k.id > $floor ORDER BY k.id DESC LIMIT $limit
                    """;
                changes.Parameters.AddWithValue("$floor", _compactRevision);
                changes.Parameters.AddWithValue("$limit", historyLimit);
                using var reader = changes.ExecuteReader();
                while (reader.Read())
                {
                    var (storageKey, _) = SplitName(reader.GetString(1));
                    var old = reader.IsDBNull(6) ? null : (byte[])reader.GetValue(6);
                    var type = reader.GetInt64(3) != 0 ? WatchEventType.Deleted : reader.GetInt64(2) != 0 ? WatchEventType.Added : WatchEventType.Modified;
                    var value = type == WatchEventType.Deleted ? old : (byte[])reader.GetValue(4);
                    if (value is null)
                    {
                        continue; // A deletion whose last state was compacted away cannot be replayed; it is older than any resumable watch.
                    }

                    // (A null byte[] would convert to an empty ReadOnlyMemory, not to null: spell out "no old value".)
                    ReadOnlyMemory<byte>? oldValue = type == WatchEventType.Added || old is null ? (ReadOnlyMemory<byte>?)null : old;
                    history.Add(new StoredChange(reader.GetInt64(0), storageKey, type, value, reader.GetInt64(5), oldValue));
                }
            }

            history.Reverse();
            return new StorageContents(revision, _compactRevision, objects, history);
        }
        catch (Exception e) when (e is SqliteException or JsonException or InvalidCastException)
        {
            throw Unreadable(Path, e);
        }
    }

    public long Commit(StorageWrite write)
    {
        ArgumentNullException.ThrowIfNull(write);
        _insert.Parameters["$name"].Value = write.StorageKey + "/" + write.ObjectKey;
        _insert.Parameters["$created"].Value = write.Type == WatchEventType.Added ? 1 : 0;
        _insert.Parameters["$deleted"].Value = write.Type == WatchEventType.Deleted ? 1 : 0;
        _insert.Parameters["$prev"].Value = write.PrevRevision;
        _insert.Parameters["$value"].Value = write.Value is null ? DBNull.Value : Serialize(write.Value);

        // One statement in autocommit mode is its own transaction: committed (in the WAL) when it returns.
        var revision = (long)_insert.ExecuteScalar()!;
        if (Interlocked.Increment(ref _commitsSinceCompleteCheckpoint) >= _options.CheckpointEvery * 8)
        {
            // Writes never paused long enough for the background checkpoint to catch up, and the WAL only restarts
            // once one has: checkpoint here, with no write running, so the WAL stops growing (a rare pause of one write).
            CheckpointNow(_connection);
        }

        if (++_commitsSinceCheckpoint >= _options.CheckpointEvery)
        {
            _commitsSinceCheckpoint = 0;
            if (_checkpointDue.CurrentCount == 0)
            {
                _checkpointDue.Release();
            }
        }

        if (revision >= _nextCompaction)
        {
            _nextCompaction = revision + _options.CompactBatch;
            try
            {
                Compact(revision - _options.KeepRevisions);
            }
            catch (SqliteException)
            {
                // The write is committed and must be acknowledged; compaction is retried after the next batch.
            }
        }

        return revision;
    }

    public IReadOnlyList<long> Import(IReadOnlyList<ImportedObject> objects, long revision)
    {
        ArgumentNullException.ThrowIfNull(objects);
        using var transaction = _connection.BeginTransaction();
        using (var insert = _connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO kine (id, name, created, deleted, create_revision, prev_revision, value) VALUES ($id, $name, 1, 0, 0, 0, $value)";
            var id = insert.Parameters.Add("$id", SqliteType.Integer);
            var name = insert.Parameters.Add("$name", SqliteType.Text);
            var value = insert.Parameters.Add("$value", SqliteType.Blob);
            foreach (var o in objects)
            {
                id.Value = o.Revision;
                name.Value = o.StorageKey + "/" + o.ObjectKey;
                value.Value = Serialize(o.Value);
                insert.ExecuteNonQuery();
            }
        }

        var top = Math.Max(revision, objects.Count == 0 ? 0 : objects.Max(o => o.Revision));
        using (var sequence = _connection.CreateCommand())
        {
            // AUTOINCREMENT continues after the highest id ever used: make that the imported resourceVersion.
            sequence.Transaction = transaction;
            sequence.CommandText = """
                UPDATE sqlite_sequence SET seq = MAX(seq, $top) WHERE name = 'kine';
                INSERT INTO sqlite_sequence (name, seq) SELECT 'kine', $top WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'kine');
                """;
            sequence.Parameters.AddWithValue("$top", top);
            sequence.ExecuteNonQuery();
        }

        SetMeta("compact_revision", top, transaction);
        SetMeta("imported", 1, transaction);
        transaction.Commit();
        _compactRevision = top;
        return objects.Select(o => o.Revision).ToList();
    }

    /// <summary>
    /// Deletes what no watch from after <paramref name="revision"/> needs: rows replaced by a row at or before it, and
    /// deletions at or before it (with the row they deleted). Watches from before it get 410 Gone after a restart.
    /// </summary>
    public void Compact(long revision)
    {
        using var transaction = _connection.BeginTransaction();
        using (var delete = _connection.CreateCommand())
        {
            delete.Transaction = transaction;
            delete.CommandText = """
                DELETE FROM kine WHERE id IN (
                  SELECT prev_revision FROM kine WHERE prev_revision != 0 AND id <= $rev
                  UNION
                  SELECT id FROM kine WHERE deleted != 0 AND id <= $rev)
                """;
            delete.Parameters.AddWithValue("$rev", revision);
            delete.ExecuteNonQuery();
        }

        SetMeta("compact_revision", revision, transaction);
        transaction.Commit();
        _compactRevision = revision;
    }

    /// <summary>Stops the checkpoints and closes the database (closing the last connection checkpoints the WAL into it).</summary>
    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _checkpoints.Wait();
        }
        catch (AggregateException)
        {
            // Stopped.
        }

        _checkpointConnection.Dispose();
        _insert.Dispose();
        _connection.Dispose();
        _checkpointDue.Dispose();
        _stop.Dispose();
    }

    /// <summary>
    /// Copies committed WAL frames into the database file when enough commits piled up. PASSIVE: it never blocks the
    /// writer, so the fsyncs of a checkpoint are not paid by any write; the WAL restarts from its start once copied.
    /// </summary>
    private async Task CheckpointLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await _checkpointDue.WaitAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            CheckpointNow(_checkpointConnection);
        }
    }

    /// <summary>A PASSIVE checkpoint; when it copied every frame, the next write restarts the WAL from its start.</summary>
    private void CheckpointNow(SqliteConnection connection)
    {
        try
        {
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            using var result = checkpoint.ExecuteReader();
            if (result.Read() && result.GetInt64(0) == 0 && result.GetInt64(1) == result.GetInt64(2))
            {
                Interlocked.Exchange(ref _commitsSinceCompleteCheckpoint, 0);
            }
        }
        catch (SqliteException)
        {
            // Busy or failing now: the next round tries again; the WAL keeps everything meanwhile.
        }
    }

    private static StateDirException Unreadable(string path, Exception e) =>
        new($"{path}: not a readable state database ({e.Message.TrimEnd('.')}); move it away to start with an empty state", e);

    /// <summary>Names are storage key (group/plural, one slash) + "/" + namespace/name: split after the second slash.</summary>
    private static (string StorageKey, string ObjectKey) SplitName(string name)
    {
        var second = name.IndexOf('/', name.IndexOf('/', StringComparison.Ordinal) + 1);
        if (second < 0)
        {
            throw new InvalidCastException($"row name '{name}' is not <group>/<plural>/<namespace>/<name>");
        }

        return (name[..second], name[(second + 1)..]);
    }

    private static void Exec(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private byte[] Serialize(System.Text.Json.Nodes.JsonObject value)
    {
        _buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(_buffer, Obj.WriterOptions))
        {
            value.WriteTo(writer);
        }

        return _buffer.WrittenSpan.ToArray();
    }

    private long Revision()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT seq FROM sqlite_sequence WHERE name = 'kine'";
        return command.ExecuteScalar() is long seq ? seq : 0;
    }

    private long Meta(string key)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT value FROM meta WHERE key = $key";
        command.Parameters.AddWithValue("$key", key);
        return command.ExecuteScalar() is long value ? value : 0;
    }

    private void SetMeta(string key, long value, SqliteTransaction transaction)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO meta (key, value) VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value";
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$value", value);
        command.ExecuteNonQuery();
    }
}
