using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Api;
using FluxSharp.LocalCluster.Objects;
using FluxSharp.LocalCluster.Resources;
using FluxSharp.LocalCluster.Storage;
using Microsoft.Extensions.Logging;

namespace FluxSharp.LocalCluster.Controllers;

/// <summary>
/// Stands in for kubelets and workload controllers (like kwok): Deployments, ReplicaSets, StatefulSets and DaemonSets
/// report their replicas ready with the conditions kstatus reads; Jobs complete; Pods run; PVCs bind.
/// A workload marked failing (annotation <see cref="SimulateAnnotation"/>: "fail", or <see cref="SetFailing"/>)
/// reports what a real failure looks like: ProgressDeadlineExceeded, a failed Job, a pod in CrashLoopBackOff.
/// </summary>
public sealed class WorkloadSimulator
{
    /// <summary>Set to "fail" on a workload to make it fail as a crash-looping one would.</summary>
    public const string SimulateAnnotation = "local.fluxsharp.dev/simulate";

    private readonly ConcurrentDictionary<string, bool> _failing = new(StringComparer.Ordinal);

    internal WorkloadSimulator()
    {
    }

    internal Action? Changed { get; set; }

    /// <summary>Marks (or clears) a workload as failing, by kind, namespace and name (e.g. "Deployment", "apps", "web").</summary>
    public void SetFailing(string kind, string ns, string name, bool failing = true)
    {
        var key = Key(kind, ns, name);
        if (failing)
        {
            _failing[key] = true;
        }
        else
        {
            _failing.TryRemove(key, out _);
        }

        Changed?.Invoke();
    }

    internal bool IsFailing(string kind, JsonObject obj) =>
        _failing.ContainsKey(Key(kind, Obj.Namespace(obj) ?? string.Empty, Obj.Name(obj))) || Obj.Str(obj, "metadata", "annotations", SimulateAnnotation) == "fail";

    private static string Key(string kind, string ns, string name) => kind + "/" + ns + "/" + name;
}

/// <summary>The loop that writes simulated statuses.</summary>
internal sealed class WorkloadSimulatorLoop : EventLoop
{
    private static readonly string[] WorkloadKeys = ["apps/deployments", "apps/replicasets", "apps/statefulsets", "apps/daemonsets", "batch/jobs", "/pods", "/persistentvolumeclaims"];
    private readonly ResourceService _service;
    private readonly WorkloadSimulator _simulator;

    public WorkloadSimulatorLoop(ResourceService service, WorkloadSimulator simulator, ILogger logger)
        : base(service.Store, logger)
    {
        _service = service;
        _simulator = simulator;
        simulator.Changed = Resync;
    }

    protected override void Handle(WatchEvent? ev)
    {
        if (ev is null)
        {
            foreach (var key in WorkloadKeys)
            {
                foreach (var o in _service.Store.List(key, null).Items)
                {
                    Reconcile(key, o);
                }
            }

            return;
        }

        if (ev.Type != WatchEventType.Deleted && WorkloadKeys.Contains(ev.StorageKey))
        {
            // Act on the latest state only; older events of the same object are stale.
            var latest = _service.Store.Get(ev.StorageKey, Obj.Namespace(ev.Object), Obj.Name(ev.Object));
            if (latest is not null && Obj.ResourceVersion(latest) == Obj.ResourceVersion(ev.Object))
            {
                Reconcile(ev.StorageKey, latest);
            }
        }
    }

    private void Reconcile(string storageKey, JsonObject obj)
    {
        if (Obj.IsDeleting(obj))
        {
            return;
        }

        var r = _service.Registry.StorageResources().First(x => ResourceRegistry.StorageKey(x) == storageKey);
        var failing = _simulator.IsFailing(r.Kind, obj);
        var status = r.Kind switch
        {
            "Deployment" => DeploymentStatus(obj, failing),
            "ReplicaSet" => ReplicaSetStatus(obj, failing),
            "StatefulSet" => StatefulSetStatus(obj, failing),
            "DaemonSet" => DaemonSetStatus(obj, failing),
            "Job" => JobStatus(obj, failing),
            "Pod" => PodStatus(obj, failing),
            "PersistentVolumeClaim" => new JsonObject { ["phase"] = "Bound", ["accessModes"] = Obj.At(obj, "spec", "accessModes")?.DeepClone(), ["capacity"] = Obj.At(obj, "spec", "resources", "requests")?.DeepClone() },
            _ => null,
        };
        if (status is null || SameIgnoringTimes(obj["status"], status))
        {
            return;
        }

        var updated = Obj.Clone(obj);
        updated["status"] = status;
        try
        {
            _service.Update(r, Obj.Namespace(obj), Obj.Name(obj), updated, RequestContext.Internal("kube-controller-manager"), "status");
        }
        catch (ApiException e) when (e.Code is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
            // Changed meanwhile: its event brings the object back here.
        }
    }

    private static long Replicas(JsonObject obj) => Obj.Long(obj, "spec", "replicas") ?? 1;

    private static long Generation(JsonObject obj) => Obj.Long(obj, "metadata", "generation") ?? 1;

    private static string Now => Obj.Timestamp(DateTimeOffset.UtcNow);

    private static JsonObject Condition(string type, bool status, string reason, string message) => new()
    {
        ["type"] = type,
        ["status"] = status ? "True" : "False",
        ["lastUpdateTime"] = Now,
        ["lastTransitionTime"] = Now,
        ["reason"] = reason,
        ["message"] = message,
    };

    private static JsonObject DeploymentStatus(JsonObject d, bool failing)
    {
        var n = Replicas(d);
        var name = Obj.Name(d);
        var ready = failing ? 0 : n;
        var status = new JsonObject
        {
            ["observedGeneration"] = Generation(d),
            ["replicas"] = n,
            ["updatedReplicas"] = n,
            ["readyReplicas"] = ready,
            ["availableReplicas"] = ready,
        };
        if (n - ready > 0)
        {
            status["unavailableReplicas"] = n - ready;
        }

        status["conditions"] = failing
            ? new JsonArray(
                Condition("Available", false, "MinimumReplicasUnavailable", "Deployment does not have minimum availability."),
                Condition("Progressing", false, "ProgressDeadlineExceeded", $"ReplicaSet \"{name}-6d4cf56db6\" has timed out progressing."))
            : new JsonArray(
                Condition("Available", true, "MinimumReplicasAvailable", "Deployment has minimum availability."),
                Condition("Progressing", true, "NewReplicaSetAvailable", $"ReplicaSet \"{name}-6d4cf56db6\" has successfully progressed."));
        return status;
    }

    private static JsonObject ReplicaSetStatus(JsonObject rs, bool failing)
    {
        var n = Replicas(rs);
        var ready = failing ? 0 : n;
        return new JsonObject
        {
            ["observedGeneration"] = Generation(rs),
            ["replicas"] = n,
            ["fullyLabeledReplicas"] = n,
            ["readyReplicas"] = ready,
            ["availableReplicas"] = ready,
        };
    }

    private static JsonObject StatefulSetStatus(JsonObject sts, bool failing)
    {
        var n = Replicas(sts);
        var ready = failing ? 0 : n;
        var revision = Obj.Name(sts) + "-" + Generation(sts).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["observedGeneration"] = Generation(sts),
            ["replicas"] = n,
            ["readyReplicas"] = ready,
            ["currentReplicas"] = n,
            ["updatedReplicas"] = n,
            ["availableReplicas"] = ready,
            ["currentRevision"] = revision,
            ["updateRevision"] = revision,
            ["collisionCount"] = 0,
        };
    }

    private static JsonObject DaemonSetStatus(JsonObject ds, bool failing) => new()
    {
        ["observedGeneration"] = Generation(ds),
        ["desiredNumberScheduled"] = 1,
        ["currentNumberScheduled"] = 1,
        ["updatedNumberScheduled"] = 1,
        ["numberMisscheduled"] = 0,
        ["numberReady"] = failing ? 0 : 1,
        ["numberAvailable"] = failing ? 0 : 1,
    };

    private static JsonObject JobStatus(JsonObject job, bool failing)
    {
        var completions = Obj.Long(job, "spec", "completions") ?? 1;
        var start = Obj.Str(job, "status", "startTime") ?? Obj.Str(job, "metadata", "creationTimestamp") ?? Now;
        if (failing)
        {
            return new JsonObject
            {
                ["startTime"] = start,
                ["failed"] = (Obj.Long(job, "spec", "backoffLimit") ?? 6) + 1,
                ["conditions"] = new JsonArray(
                    Condition("FailureTarget", true, "BackoffLimitExceeded", "Job has reached the specified backoff limit"),
                    Condition("Failed", true, "BackoffLimitExceeded", "Job has reached the specified backoff limit")),
            };
        }

        return new JsonObject
        {
            ["startTime"] = start,
            ["completionTime"] = Obj.Str(job, "status", "completionTime") ?? Now,
            ["succeeded"] = completions,
            ["ready"] = 0,
            ["conditions"] = new JsonArray(
                Condition("SuccessCriteriaMet", true, "CompletionsReached", "Reached expected number of succeeded pods"),
                Condition("Complete", true, "CompletionsReached", "Reached expected number of succeeded pods")),
        };
    }

    private static JsonObject PodStatus(JsonObject pod, bool failing)
    {
        var containers = (Obj.At(pod, "spec", "containers") as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        var statuses = new JsonArray(containers.Select(c => (JsonNode?)new JsonObject
        {
            ["name"] = Obj.Str(c, "name"),
            ["image"] = Obj.Str(c, "image"),
            ["ready"] = !failing,
            ["started"] = !failing,
            ["restartCount"] = failing ? 5 : 0,
            ["state"] = failing
                ? new JsonObject { ["waiting"] = new JsonObject { ["reason"] = "CrashLoopBackOff", ["message"] = "back-off restarting failed container" } }
                : new JsonObject { ["running"] = new JsonObject { ["startedAt"] = Obj.Str(pod, "metadata", "creationTimestamp") } },
        }).ToArray());
        return new JsonObject
        {
            ["phase"] = "Running",
            ["conditions"] = new JsonArray(
                Condition("Initialized", true, string.Empty, string.Empty),
                Condition("Ready", !failing, failing ? "ContainersNotReady" : string.Empty, string.Empty),
                Condition("ContainersReady", !failing, failing ? "ContainersNotReady" : string.Empty, string.Empty),
                Condition("PodScheduled", true, string.Empty, string.Empty)),
            ["hostIP"] = "127.0.0.1",
            ["podIP"] = "10.244.0.10",
            ["startTime"] = Obj.Str(pod, "metadata", "creationTimestamp"),
            ["containerStatuses"] = statuses,
        };
    }

    /// <summary>Statuses compared without their timestamps, so re-reconciling writes nothing.</summary>
    private static bool SameIgnoringTimes(JsonNode? a, JsonNode? b) => Obj.DeepEquals(StripTimes(a), StripTimes(b));

    private static JsonNode? StripTimes(JsonNode? node)
    {
        if (node is not JsonObject o)
        {
            return node;
        }

        var copy = (JsonObject)o.DeepClone();
        foreach (var key in new[] { "startTime", "completionTime" })
        {
            copy.Remove(key);
        }

        if (copy["conditions"] is JsonArray conditions)
        {
            foreach (var c in conditions.OfType<JsonObject>())
            {
                c.Remove("lastTransitionTime");
                c.Remove("lastUpdateTime");
                c.Remove("lastProbeTime");
            }
        }

        if (copy["containerStatuses"] is JsonArray cs)
        {
            foreach (var c in cs.OfType<JsonObject>())
            {
                c.Remove("state");
            }
        }

        return copy;
    }
}
