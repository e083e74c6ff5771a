namespace FluxSharp.LocalCluster;

/// <summary>How to run the local control plane.</summary>
public sealed class LocalControlPlaneOptions
{
    /// <summary>Port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>Where objects are kept across restarts; null keeps everything in memory only.</summary>
    public string? StateDir { get; set; }

    /// <summary>Serve HTTPS with a self-signed certificate (its CA goes into the kubeconfig).</summary>
    public bool Tls { get; set; }

    /// <summary>Run the workload simulator (Deployments become ready, Jobs complete...).</summary>
    public bool SimulateWorkloads { get; set; } = true;

    /// <summary>How soon after a change the state is written to disk.</summary>
    public TimeSpan PersistInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Interval between bookmarks on idle watches that allow them.</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Watch events kept for resuming watches; older resourceVersions get 410 Gone.</summary>
    public int WatchHistorySize { get; set; } = 20000;

    /// <summary>Where pods' logs come from (`pods/log`, `kubectl logs`): register a source for each pod run in-process.</summary>
    public PodLogSources PodLogs { get; } = new();
}
