using FluxSharp.LocalCluster.Storage;

namespace FluxSharp.LocalCluster;

/// <summary>How to run the local control plane.</summary>
public sealed class LocalControlPlaneOptions
{
    /// <summary>Port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>
    /// Where objects are kept across restarts (a SQLite datastore, state.db; an older objects.json is migrated into it);
    /// null keeps everything in memory only. One process at a time: the dir is locked while the control plane runs.
    /// </summary>
    public string? StateDir { get; set; }

    /// <summary>
    /// How hard the datastore pushes each commit to disk. NORMAL (WAL mode): an acknowledged write survives a crash or
    /// kill -9 of the process, not a power loss; FULL: fsync on every commit, survives power loss too, slower.
    /// </summary>
    public SqliteSynchronous Synchronous { get; set; } = SqliteSynchronous.Normal;

    /// <summary>
    /// Keep objects in etcd instead of the state dir's SQLite database (the state dir, when given, still holds the lock
    /// and the kubeconfig); null: SQLite. Its KeepRevisions defaults to <see cref="KeepRevisions"/>.
    /// </summary>
    public EtcdStorageOptions? Etcd { get; set; }

    /// <summary>Revisions the datastore keeps for watches to resume from after a restart; null: <see cref="WatchHistorySize"/>.</summary>
    public int? KeepRevisions { get; set; }

    /// <summary>
    /// Serve HTTPS with a self-signed certificate (its CA goes into the kubeconfig; kept in the state dir). On by default:
    /// kubectl (client-go) sends the kubeconfig's token only over HTTPS, so over plain HTTP it cannot authenticate.
    /// </summary>
    public bool Tls { get; set; } = true;

    /// <summary>Run the workload simulator (Deployments become ready, Jobs complete...).</summary>
    public bool SimulateWorkloads { get; set; } = true;

    /// <summary>Interval between bookmarks on idle watches that allow them.</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Watch events kept for resuming watches; older resourceVersions get 410 Gone.</summary>
    public int WatchHistorySize { get; set; } = 20000;

    /// <summary>Where pods' logs come from (`pods/log`, `kubectl logs`): register a source for each pod run in-process.</summary>
    public PodLogSources PodLogs { get; } = new();
}
