using FluxSharp.Kubernetes.Runtime;
using k8s;
using Microsoft.Extensions.Logging;

namespace FluxSharp.Controllers;

/// <summary>What every controller gets from the manager that hosts it.</summary>
public sealed record ControllerContext(
    IKubernetes Kube,
    ILoggerFactory Logs,
    string? WatchNamespace,
    int Concurrency,
    string StoragePath,
    Uri ArtifactBaseUrl)
{
    /// <summary>The manager's client configuration, for clients that impersonate (spec.serviceAccountName); null when unknown.</summary>
    public KubernetesClientConfiguration? ClientConfig { get; init; }

    /// <summary>The clock of requeues, backoff, health polls and condition times (the manager's; a fake one in tests).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Whether sources may fetch file:// URLs (the manager's --allow-file-urls).</summary>
    public bool AllowFileUrls { get; init; }
    /// <summary>The manager's event hub: every recorder publishes to it, the notification controller subscribes.</summary>
    public EventSinks Events { get; init; } = new();

    /// <summary>An event recorder for a controller of this manager, publishing to <see cref="Events"/>.</summary>
    public EventRecorder EventRecorder(string component, ILogger logger) => new(Kube, component, logger) { Time = Time, Hub = Events };

    /// <summary>How a controller of this manager runs.</summary>
    public ControllerOptions ControllerOptions() => new() { Concurrency = Concurrency, Namespace = WatchNamespace, TimeProvider = Time };
}

/// <summary>One of the manager's controllers (e.g. "source", "kustomize"), selectable with --controllers.</summary>
public interface IControllerModule
{
    /// <summary>The name used by --controllers.</summary>
    string Name { get; }

    /// <summary>Runs until cancelled.</summary>
    Task RunAsync(ControllerContext context, CancellationToken cancellationToken);
}
