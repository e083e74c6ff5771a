using System.Globalization;
using System.Text.Json.Nodes;

namespace FluxSharp.Kubernetes.Health;

/// <summary>kstatus statuses.</summary>
public enum ObjectStatus
{
    /// <summary>Fully reconciled: what the spec asks for is there.</summary>
    Current,
    InProgress,
    Failed,
    Terminating,
    NotFound,
    Unknown,
}

/// <summary>A computed status and the message that explains it.</summary>
public sealed record HealthResult(ObjectStatus Status, string Message)
{
    public override string ToString() => $"{Status}: {Message}";
}

/// <summary>
/// kstatus (sigs.k8s.io/cli-utils/pkg/kstatus) rules computing an object's status from its JSON: the generic
/// checks (deletion, observedGeneration, Reconciling/Stalled), one rule per built-in workload kind, CRDs,
/// Namespaces, Services, PVCs, and for other kinds their Ready condition when they have one.
/// </summary>
public static class HealthStatus
{
    public static HealthResult Compute(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        if (obj["metadata"]?["deletionTimestamp"] is not null)
        {
            return new(ObjectStatus.Terminating, "Resource scheduled for deletion");
        }

        var kind = Str(obj, "kind") ?? string.Empty;
        var group = Group(Str(obj, "apiVersion") ?? string.Empty);
        if (Generic(obj) is { } generic)
        {
            return generic;
        }

        return (group, kind) switch
        {
            ("apps", "Deployment") => Deployment(obj),
            ("apps", "StatefulSet") => StatefulSet(obj),
            ("apps", "DaemonSet") => DaemonSet(obj),
            ("apps", "ReplicaSet") => ReplicaSet(obj),
            ("batch", "Job") => Job(obj),
            ("", "Pod") => Pod(obj),
            ("", "PersistentVolumeClaim") => Pvc(obj),
            ("", "Service") => Service(obj),
            ("", "Namespace") => Namespace(obj),
            ("apiextensions.k8s.io", "CustomResourceDefinition") => Crd(obj),
            ("policy", "PodDisruptionBudget") => Pdb(obj),
            _ => ReadyCondition(obj),
        };
    }

    /// <summary>observedGeneration behind generation, Reconciling=True, Stalled=True; null when none applies.</summary>
    private static HealthResult? Generic(JsonObject obj)
    {
        var observed = Long(obj, "status", "observedGeneration");
        var generation = Long(obj, "metadata", "generation");
        if (observed is not null && generation is not null && observed != generation)
        {
            return new(ObjectStatus.InProgress, $"{Str(obj, "kind")} generation is {generation}, but latest observed generation is {observed}");
        }

        if (Condition(obj, "Reconciling") is { } reconciling && Str(reconciling, "status") == "True")
        {
            return new(ObjectStatus.InProgress, Str(reconciling, "message") ?? Str(reconciling, "reason") ?? "Reconciling");
        }

        if (Condition(obj, "Stalled") is { } stalled && Str(stalled, "status") == "True")
        {
            return new(ObjectStatus.Failed, Str(stalled, "message") ?? Str(stalled, "reason") ?? "Stalled");
        }

        return null;
    }

    private static HealthResult Deployment(JsonObject d)
    {
        var progressing = false;
        var available = false;
        foreach (var c in Conditions(d))
        {
            switch (Str(c, "type"))
            {
                case "Progressing" when Str(c, "reason") == "ProgressDeadlineExceeded":
                    return new(ObjectStatus.Failed, "Progress deadline exceeded" + (Str(c, "message") is { Length: > 0 } m ? ": " + m : string.Empty));
                case "Progressing" when Str(c, "status") == "True" && Str(c, "reason") == "NewReplicaSetAvailable":
                    progressing = true;
                    break;
                case "Available" when Str(c, "status") == "True":
                    available = true;
                    break;
            }
        }

        var spec = Long(d, "spec", "replicas") ?? 1;
        var replicas = Long(d, "status", "replicas") ?? 0;
        var updated = Long(d, "status", "updatedReplicas") ?? 0;
        var ready = Long(d, "status", "readyReplicas") ?? 0;
        var avail = Long(d, "status", "availableReplicas") ?? 0;
        if (d["status"] is null)
        {
            return new(ObjectStatus.InProgress, "Deployment has no status yet");
        }

        if (spec > replicas)
        {
            return new(ObjectStatus.InProgress, $"Replicas: {replicas}/{spec}");
        }

        if (spec > updated)
        {
            return new(ObjectStatus.InProgress, $"Updated: {updated}/{spec}");
        }

        if (replicas > spec)
        {
            return new(ObjectStatus.InProgress, $"Pending termination: {replicas - spec}");
        }

        if (spec > avail)
        {
            return new(ObjectStatus.InProgress, $"Available: {avail}/{spec}");
        }

        if (spec > ready)
        {
            return new(ObjectStatus.InProgress, $"Ready: {ready}/{spec}");
        }

        if (!progressing)
        {
            return new(ObjectStatus.InProgress, "ReplicaSet not Available");
        }

        if (!available)
        {
            return new(ObjectStatus.InProgress, "Deployment not Available");
        }

        return new(ObjectStatus.Current, $"Deployment is available. Replicas: {replicas}");
    }

    private static HealthResult StatefulSet(JsonObject s)
    {
        if (s["status"] is null)
        {
            return new(ObjectStatus.InProgress, "StatefulSet has no status yet");
        }

        var spec = Long(s, "spec", "replicas") ?? 1;
        var ready = Long(s, "status", "readyReplicas") ?? 0;
        var current = Long(s, "status", "currentReplicas") ?? 0;
        var updated = Long(s, "status", "updatedReplicas") ?? 0;
        var replicas = Long(s, "status", "replicas") ?? 0;
        if (Str(s, "spec", "updateStrategy", "type") == "OnDelete")
        {
            return new(ObjectStatus.Current, "StatefulSet is using the ondelete update strategy");
        }

        if (spec > replicas)
        {
            return new(ObjectStatus.InProgress, $"Replicas: {replicas}/{spec}");
        }

        if (spec > ready)
        {
            return new(ObjectStatus.InProgress, $"Ready: {ready}/{spec}");
        }

        if (replicas > spec)
        {
            return new(ObjectStatus.InProgress, $"Pending termination: {replicas - spec}");
        }

        var partition = Long(s, "spec", "updateStrategy", "rollingUpdate", "partition") ?? 0;
        if (partition > 0)
        {
            var expected = spec - partition;
            return updated < expected
                ? new(ObjectStatus.InProgress, $"updated: {updated}/{expected}")
                : new(ObjectStatus.Current, $"Partition rollout complete. updated: {updated}");
        }

        if (spec > current)
        {
            return new(ObjectStatus.InProgress, $"current: {current}/{spec}");
        }

        if (Str(s, "status", "currentRevision") != Str(s, "status", "updateRevision"))
        {
            return new(ObjectStatus.InProgress, $"Waiting for updated revision {Str(s, "status", "updateRevision")} to replace {Str(s, "status", "currentRevision")}");
        }

        return new(ObjectStatus.Current, $"All replicas scheduled as expected. Replicas: {replicas}");
    }

    private static HealthResult DaemonSet(JsonObject d)
    {
        if (d["status"] is null)
        {
            return new(ObjectStatus.InProgress, "DaemonSet has no status yet");
        }

        var desired = Long(d, "status", "desiredNumberScheduled") ?? 0;
        var current = Long(d, "status", "currentNumberScheduled") ?? 0;
        var updated = Long(d, "status", "updatedNumberScheduled") ?? 0;
        var available = Long(d, "status", "numberAvailable") ?? 0;
        var ready = Long(d, "status", "numberReady") ?? 0;
        if (desired == 0 && Long(d, "status", "observedGeneration") is null)
        {
            return new(ObjectStatus.InProgress, "Missing .status.desiredNumberScheduled");
        }

        if (desired > current)
        {
            return new(ObjectStatus.InProgress, $"Current: {current}/{desired}");
        }

        if (desired > updated)
        {
            return new(ObjectStatus.InProgress, $"Updated: {updated}/{desired}");
        }

        if (desired > available)
        {
            return new(ObjectStatus.InProgress, $"Available: {available}/{desired}");
        }

        if (desired > ready)
        {
            return new(ObjectStatus.InProgress, $"Ready: {ready}/{desired}");
        }

        return new(ObjectStatus.Current, $"All replicas scheduled as expected. Replicas: {desired}");
    }

    private static HealthResult ReplicaSet(JsonObject r)
    {
        if (Conditions(r).FirstOrDefault(c => Str(c, "type") == "ReplicaFailure" && Str(c, "status") == "True") is { } failure)
        {
            return new(ObjectStatus.InProgress, "Replica Failure condition. Message: " + Str(failure, "message"));
        }

        var spec = Long(r, "spec", "replicas") ?? 1;
        var replicas = Long(r, "status", "replicas") ?? 0;
        var labeled = Long(r, "status", "fullyLabeledReplicas") ?? 0;
        var available = Long(r, "status", "availableReplicas") ?? 0;
        var ready = Long(r, "status", "readyReplicas") ?? 0;
        if (spec > labeled)
        {
            return new(ObjectStatus.InProgress, $"Labelled: {labeled}/{spec}");
        }

        if (spec > available)
        {
            return new(ObjectStatus.InProgress, $"Available: {available}/{spec}");
        }

        if (spec > ready)
        {
            return new(ObjectStatus.InProgress, $"Ready: {ready}/{spec}");
        }

        if (replicas > spec)
        {
            return new(ObjectStatus.InProgress, $"Pending termination: {replicas - spec}");
        }

        return new(ObjectStatus.Current, $"ReplicaSet is available. Replicas: {replicas}");
    }

    private static HealthResult Job(JsonObject j)
    {
        var parallelism = Long(j, "spec", "parallelism") ?? 1;
        var completions = Long(j, "spec", "completions") ?? parallelism;
        var succeeded = Long(j, "status", "succeeded") ?? 0;
        var active = Long(j, "status", "active") ?? 0;
        var failed = Long(j, "status", "failed") ?? 0;
        foreach (var c in Conditions(j))
        {
            if (Str(c, "status") != "True")
            {
                continue;
            }

            switch (Str(c, "type"))
            {
                case "Complete":
                    return new(ObjectStatus.Current, $"Job Completed. succeeded: {succeeded}/{completions}");
                case "Failed":
                    return new(ObjectStatus.Failed, $"Job Failed. failed: {failed}/{completions}" + (Str(c, "message") is { Length: > 0 } m ? ": " + m : string.Empty));
            }
        }

        if (Str(j, "status", "startTime") is null)
        {
            return new(ObjectStatus.InProgress, "Job not started");
        }

        return new(ObjectStatus.InProgress, $"Job in progress. success:{succeeded}, active: {active}, failed: {failed}");
    }

    private static HealthResult Pod(JsonObject p)
    {
        var phase = Str(p, "status", "phase");
        switch (phase)
        {
            case "Succeeded":
                return new(ObjectStatus.Current, "Pod has completed successfully");
            case "Failed":
                return new(ObjectStatus.Failed, "Pod has completed, but not successfully");
        }

        foreach (var cs in (p["status"]?["containerStatuses"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (Str(cs, "state", "waiting", "reason") == "CrashLoopBackOff")
            {
                return new(ObjectStatus.Failed, $"Pod has container {Str(cs, "name")} in CrashLoopBackOff");
            }
        }

        if (phase == "Running" && Condition(p, "Ready") is { } ready && Str(ready, "status") == "True")
        {
            return new(ObjectStatus.Current, "Pod is Ready");
        }

        if (Condition(p, "PodScheduled") is { } scheduled && Str(scheduled, "status") == "False" && Str(scheduled, "reason") == "Unschedulable")
        {
            return new(ObjectStatus.InProgress, "Pod could not be scheduled");
        }

        return new(ObjectStatus.InProgress, phase is null ? "Pod has no status yet" : $"Pod phase is {phase}");
    }

    private static HealthResult Pvc(JsonObject p) =>
        Str(p, "status", "phase") == "Bound"
            ? new(ObjectStatus.Current, "PVC is Bound")
            : new(ObjectStatus.InProgress, $"PVC is not Bound. phase: {Str(p, "status", "phase") ?? "<none>"}");

    private static HealthResult Service(JsonObject s)
    {
        var type = Str(s, "spec", "type") ?? "ClusterIP";
        if (type != "ExternalName" && string.IsNullOrEmpty(Str(s, "spec", "clusterIP")))
        {
            return new(ObjectStatus.InProgress, "ClusterIP not set");
        }

        return new(ObjectStatus.Current, "Service is ready");
    }

    private static HealthResult Namespace(JsonObject n) =>
        Str(n, "status", "phase") is null or "Active"
            ? new(ObjectStatus.Current, "Namespace is Active")
            : new(ObjectStatus.Terminating, $"Namespace is {Str(n, "status", "phase")}");

    private static HealthResult Crd(JsonObject c)
    {
        foreach (var cond in Conditions(c))
        {
            var type = Str(cond, "type");
            var status = Str(cond, "status");
            if (type == "NamesAccepted" && status == "False")
            {
                return new(ObjectStatus.Failed, "Names not accepted: " + Str(cond, "message"));
            }

            if (type == "Established")
            {
                return status == "True"
                    ? new(ObjectStatus.Current, "CRD is established")
                    : new(ObjectStatus.InProgress, "CRD is not established");
            }
        }

        return new(ObjectStatus.InProgress, "Install in progress");
    }

    private static HealthResult Pdb(JsonObject p) =>
        Condition(p, "DisruptionAllowed") is null && p["status"] is null
            ? new(ObjectStatus.InProgress, "PodDisruptionBudget has no status yet")
            : new(ObjectStatus.Current, $"Budget is computed. AllowedDisruptions: {Long(p, "status", "disruptionsAllowed") ?? 0}");

    /// <summary>Objects with a Ready condition follow it (False is InProgress, or Failed when Stalled); without conditions they are Current.</summary>
    private static HealthResult ReadyCondition(JsonObject obj)
    {
        if (Condition(obj, "Ready") is not { } ready)
        {
            return new(ObjectStatus.Current, "Resource is current");
        }

        var message = Str(ready, "message") ?? Str(ready, "reason") ?? string.Empty;
        return Str(ready, "status") switch
        {
            "True" => new(ObjectStatus.Current, message.Length > 0 ? message : "Resource is Ready"),
            "False" => new(ObjectStatus.InProgress, message.Length > 0 ? message : "Resource is not Ready"),
            _ => new(ObjectStatus.InProgress, message.Length > 0 ? message : "Readiness is unknown"),
        };
    }

    internal static IEnumerable<JsonObject> Conditions(JsonObject obj) => (obj["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>();

    internal static JsonObject? Condition(JsonObject obj, string type) => Conditions(obj).FirstOrDefault(c => Str(c, "type") == type);

    internal static string? Str(JsonNode? node, params string[] path)
    {
        foreach (var p in path)
        {
            node = node?[p];
        }

        return node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
    }

    public static long? Long(JsonNode? node, params string[] path)
    {
        foreach (var p in path)
        {
            node = node?[p];
        }

        if (node is not JsonValue v)
        {
            return null;
        }

        if (v.TryGetValue<long>(out var l))
        {
            return l;
        }

        if (v.TryGetValue<double>(out var d))
        {
            return (long)d;
        }

        return v.TryGetValue<string>(out var s) && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
    }

    private static string Group(string apiVersion)
    {
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? string.Empty : apiVersion[..slash];
    }
}
