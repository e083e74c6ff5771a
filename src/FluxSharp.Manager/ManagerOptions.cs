namespace FluxSharp.Manager;

/// <summary>
/// The manager's configuration, from flags or FLUXSHARP_* environment variables (flags win).
/// Names follow Flux's controller flags where there is one.
/// </summary>
public sealed class ManagerOptions
{
    /// <summary>kubeconfig path; null: in-cluster config when running in a pod, else the default kubeconfig.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>Only objects in this namespace are reconciled (--watch-namespace); null: all namespaces.</summary>
    public string? WatchNamespace { get; set; }

    /// <summary>Controllers to run (--controllers): "all" or names such as "source", "kustomize".</summary>
    public IReadOnlyList<string> Controllers { get; set; } = ["all"];

    /// <summary>Objects reconciled at once per kind (--concurrent).</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>Where artifacts are stored (--storage-path).</summary>
    public string StoragePath { get; set; } = Path.Combine(Path.GetTempPath(), "fluxsharp-artifacts");

    /// <summary>Address the artifact server listens on (--storage-addr), host:port; port 0 picks a free one.</summary>
    public string StorageAddress { get; set; } = "127.0.0.1:9090";

    /// <summary>Host:port written into artifact URLs (--storage-adv-addr); defaults to the bound storage address.</summary>
    public string? StorageAdvertisedAddress { get; set; }

    /// <summary>Address for /metrics, /healthz and /readyz (--metrics-addr).</summary>
    public string MetricsAddress { get; set; } = "127.0.0.1:8080";

    /// <summary>
    /// Let sources fetch file:// URLs (--allow-file-urls): they read whatever local path the manager's user may read,
    /// so on a shared machine or in a cluster anyone who may create a GitRepository could read the manager's disk.
    /// Off by default (Flux's CRDs do not accept file:// at all); `fluxsharp dev` turns it on for its sample.
    /// </summary>
    public bool AllowFileUrls { get; set; }
    /// <summary>Address of the events endpoint (--events-addr): Flux's event JSON POSTed here reaches the Alerts; null: not served.</summary>
    public string? EventsAddress { get; set; }

    /// <summary>
    /// Address of the webhook receiver server (--receiver-addr), host:port; null: no receiver server. It serves
    /// Receivers' /hook/ paths whenever the notification controller is selected.
    /// </summary>
    public string? ReceiverAddress { get; set; }

    /// <summary>Run only while holding the Lease (--enable-leader-election).</summary>
    public bool LeaderElection { get; set; }

    public string LeaderElectionNamespace { get; set; } = "flux-system";

    public string LeaderElectionId { get; set; } = "fluxsharp-manager";

    /// <summary>debug, info, error (--log-level).</summary>
    public string LogLevel { get; set; } = "info";

    /// <summary>Logs as JSON lines (--log-encoding=json).</summary>
    public bool JsonLogs { get; set; }

    /// <summary>The controllers' clock (requeues, backoff, health polls, condition times); tests pass a fake one.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    public bool Runs(string controller) =>
        Controllers.Contains("all", StringComparer.OrdinalIgnoreCase) || Controllers.Contains(controller, StringComparer.OrdinalIgnoreCase);
}
