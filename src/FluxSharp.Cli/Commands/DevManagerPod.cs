using System.Net;
using System.Reflection;
using FluxSharp.Kubernetes.Client;
using FluxSharp.LocalCluster;
using k8s;
using k8s.Models;

namespace FluxSharp.Cli.Commands;

/// <summary>
/// `fluxsharp dev` runs the manager in-process; this makes it look as it does in a cluster: a Running, Ready Pod
/// flux-system/fluxsharp-manager whose log (`kubectl logs`, `fluxsharp logs`) is the manager's Flux-style JSON lines,
/// kept in a ring buffer.
/// </summary>
internal sealed class DevManagerPod
{
    public const string Namespace = "flux-system";
    public const string Name = "fluxsharp-manager";

    /// <summary>The labels `fluxsharp logs` and `fluxsharp check` select the manager's Pods by.</summary>
    public static readonly IReadOnlyDictionary<string, string> Labels = new Dictionary<string, string>
    {
        ["app"] = Name,
        ["app.kubernetes.io/name"] = "fluxsharp",
        ["app.kubernetes.io/component"] = "manager",
    };

    private readonly PodLogBuffer _log = new();

    /// <summary>Appends a line (one of the manager's JSON log lines) to the Pod's log.</summary>
    public void WriteLog(string line) => _log.Write(line);

    /// <summary>The control plane serves the Pod's log from the buffer.</summary>
    public void Register(LocalControlPlaneOptions options) => options.PodLogs.Register(Namespace, Name, _log.ReadAsync);

    /// <summary>Creates the Pod afresh (a restarted dev is a restarted Pod: new uid, start time and image) and marks it Running and Ready.</summary>
    public static async Task CreateAsync(IKubernetes kube, CancellationToken cancellationToken)
    {
        try
        {
            await kube.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Namespace } }, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (KubeApiException.From(e) is { IsConflict: true })
        {
            // Already there.
        }

        var version = typeof(DevManagerPod).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = Name, NamespaceProperty = Namespace, Labels = Labels.ToDictionary() },
            Spec = new V1PodSpec
            {
                Containers = [new V1Container { Name = "manager", Image = $"fluxsharp:v{version}", Args = ["manager"] }],
            },
        };
        try
        {
            // The Pod a previous run left (state is kept) belongs to a process that is gone.
            await kube.CoreV1.DeleteNamespacedPodAsync(Name, Namespace, gracePeriodSeconds: 0, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (KubeApiException.From(e) is { IsNotFound: true })
        {
            // First start.
        }

        await kube.CoreV1.CreateNamespacedPodAsync(pod, Namespace, cancellationToken: cancellationToken);

        var now = DateTime.UtcNow;
        V1PodCondition Condition(string type) => new() { Type = type, Status = "True", LastTransitionTime = now };
        var status = new V1Pod
        {
            Status = new V1PodStatus
            {
                Phase = "Running",
                StartTime = now,
                PodIP = "127.0.0.1",
                Conditions = [Condition("PodScheduled"), Condition("Initialized"), Condition("ContainersReady"), Condition("Ready")],
                ContainerStatuses =
                [
                    new V1ContainerStatus
                    {
                        Name = "manager", Image = pod.Spec.Containers[0].Image, ImageID = string.Empty, Ready = true, Started = true, RestartCount = 0,
                        State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = now } },
                    },
                ],
            },
        };
        // A merge patch (no resourceVersion): the workload simulator may write the same status meanwhile.
        await kube.CoreV1.PatchNamespacedPodStatusAsync(new V1Patch(KubernetesJson.Serialize(status), V1Patch.PatchType.MergePatch), Name, Namespace, cancellationToken: cancellationToken);
    }
}
