using System.Text.Json.Nodes;
using FluxSharp.Formats;
using static FluxSharp.LocalCluster.Tables.Format;

namespace FluxSharp.LocalCluster.Tables;

/// <summary>Pods and controllers, as pkg/printers/internalversion prints them (kubectl 1.32 era).</summary>
internal static class WorkloadPrinters
{
    private const string ContainersDescription = "Names of each container in the template.";
    private const string ImagesDescription = "Images referenced by each container in the template.";

    public static Printer Pod { get; } = new(
        [
            Column.NameColumn,
            new("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
            new("Status", "string", "The aggregate status of the containers in this pod."),
            new("Restarts", "string", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
            Column.Age,
            new("IP", "string", "podIP address allocated to the pod.", 1),
            new("Node", "string", "NodeName indicates in which node this pod is scheduled.", 1),
            new("Nominated Node", "string", "nominatedNodeName is set only when this pod preempts other pods on the node.", 1),
            new("Readiness Gates", "string", "If specified, all readiness gates will be evaluated for pod readiness.", 1),
        ],
        PrintPod);

    public static Printer Deployment { get; } = new(
        [
            Column.NameColumn,
            new("Ready", "string", "Number of the pod with ready state"),
            new("Up-to-date", "string", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
            new("Available", "string", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
            Column.Age,
            new("Containers", "string", ContainersDescription, 1),
            new("Images", "string", ImagesDescription, 1),
            new("Selector", "string", "Label selector for pods.", 1),
        ],
        (o, now) =>
        {
            var (names, images) = Containers(Json.At(o, "spec", "template", "spec"));
            return new([
                S(Name(o)), S($"{Json.Int(o, "status", "readyReplicas")}/{Replicas(o)}"), I(Json.Int(o, "status", "updatedReplicas")),
                I(Json.Int(o, "status", "availableReplicas")), S(Age(o, now)), S(names), S(images), S(Selector(Json.At(o, "spec", "selector"))),
            ]);
        });

    public static Printer ReplicaSet { get; } = new(
        [
            Column.NameColumn,
            new("Desired", "integer", "Replicas is the number of desired pods."),
            new("Current", "integer", "Replicas is the most recently observed number of replicas."),
            new("Ready", "integer", "The number of ready replicas for this replica set."),
            Column.Age,
            new("Containers", "string", ContainersDescription, 1),
            new("Images", "string", ImagesDescription, 1),
            new("Selector", "string", "Selector is a label query over pods that should match the replica count.", 1),
        ],
        (o, now) =>
        {
            var (names, images) = Containers(Json.At(o, "spec", "template", "spec"));
            return new([
                S(Name(o)), I(Replicas(o)), I(Json.Int(o, "status", "replicas")), I(Json.Int(o, "status", "readyReplicas")),
                S(Age(o, now)), S(names), S(images), S(LabelSelector(Json.At(o, "spec", "selector"))),
            ]);
        });

    public static Printer StatefulSet { get; } = new(
        [
            Column.NameColumn,
            new("Ready", "string", "Number of the pod with ready state"),
            Column.Age,
            new("Containers", "string", ContainersDescription, 1),
            new("Images", "string", ImagesDescription, 1),
        ],
        (o, now) =>
        {
            var (names, images) = Containers(Json.At(o, "spec", "template", "spec"));
            return new([S(Name(o)), S($"{Json.Int(o, "status", "readyReplicas")}/{Replicas(o)}"), S(Age(o, now)), S(names), S(images)]);
        });

    public static Printer DaemonSet { get; } = new(
        [
            Column.NameColumn,
            new("Desired", "integer", "The total number of nodes that should be running the daemon pod."),
            new("Current", "integer", "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod."),
            new("Ready", "integer", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition."),
            new("Up-to-date", "integer", "The total number of nodes that are running updated daemon pod"),
            new("Available", "integer", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available."),
            new("Node Selector", "string", "NodeSelector is a selector which must be true for the pod to fit on a node."),
            Column.Age,
            new("Containers", "string", ContainersDescription, 1),
            new("Images", "string", ImagesDescription, 1),
            new("Selector", "string", "A label query over pods that are managed by the daemon set.", 1),
        ],
        (o, now) =>
        {
            var (names, images) = Containers(Json.At(o, "spec", "template", "spec"));
            return new([
                S(Name(o)), I(Json.Int(o, "status", "desiredNumberScheduled")), I(Json.Int(o, "status", "currentNumberScheduled")),
                I(Json.Int(o, "status", "numberReady")), I(Json.Int(o, "status", "updatedNumberScheduled")), I(Json.Int(o, "status", "numberAvailable")),
                S(Labels(Json.At(o, "spec", "template", "spec", "nodeSelector"))), S(Age(o, now)), S(names), S(images),
                S(LabelSelector(Json.At(o, "spec", "selector"))),
            ]);
        });

    public static Printer Job { get; } = new(
        [
            Column.NameColumn,
            new("Status", "string", "Status of the job."),
            new("Completions", "string", "The number of pods which reached phase Succeeded."),
            new("Duration", "string", "Time required to complete the job."),
            Column.Age,
            new("Containers", "string", ContainersDescription, 1),
            new("Images", "string", ImagesDescription, 1),
            new("Selector", "string", "A label query over pods that should match the pod count.", 1),
        ],
        PrintJob);

    public static Printer CronJob { get; } = new(
        [
            Column.NameColumn,
            new("Schedule", "string", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
            new("Timezone", "string", "The time zone name for the given schedule."),
            new("Suspend", "boolean", "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions."),
            new("Active", "integer", "A list of pointers to currently running jobs."),
            new("Last Schedule", "string", "Information when was the last time the job was successfully scheduled."),
            Column.Age,
            new("Containers", "string", ContainersDescription, 1),
            new("Images", "string", ImagesDescription, 1),
            new("Selector", "string", "A label query over pods that should match the pod count.", 1),
        ],
        (o, now) =>
        {
            var jobSpec = Json.At(o, "spec", "jobTemplate", "spec");
            var (names, images) = Containers(Json.At(jobSpec, "template", "spec"));
            var last = Json.Str(o, "status", "lastScheduleTime");
            var tz = Json.Str(o, "spec", "timeZone");
            return new([
                S(Name(o)), S(Json.Str(o, "spec", "schedule")), S(tz.Length == 0 ? "<none>" : tz), B(Json.Bool(o, "spec", "suspend")),
                I(Json.Count(o, "status", "active")), S(last.Length == 0 ? "<none>" : HumanDuration.Since(last, now)), S(Age(o, now)),
                S(names), S(images), S(LabelSelector(Json.At(jobSpec, "selector"))),
            ]);
        });

    private static PrintedRow PrintJob(JsonObject o, DateTimeOffset now)
    {
        var succeeded = Json.Int(o, "status", "succeeded");
        string completions;
        if (Json.IntOrNull(o, "spec", "completions") is { } total)
        {
            completions = $"{succeeded}/{total}";
        }
        else
        {
            var parallelism = Json.Int(o, "spec", "parallelism");
            completions = parallelism > 1 ? $"{succeeded}/1 of {parallelism}" : $"{succeeded}/1";
        }

        var duration = "";
        if (HumanDuration.TryParse(Json.Str(o, "status", "startTime"), out var start))
        {
            duration = HumanDuration.TryParse(Json.Str(o, "status", "completionTime"), out var end)
                ? HumanDuration.Format(end - start)
                : HumanDuration.Format(now - start);
        }

        string status;
        if (HasCondition(o, "Complete"))
        {
            status = "Complete";
        }
        else if (HasCondition(o, "Failed"))
        {
            status = "Failed";
        }
        else if (Deleting(o))
        {
            status = "Terminating";
        }
        else if (HasCondition(o, "Suspended"))
        {
            status = "Suspended";
        }
        else if (HasCondition(o, "FailureTarget"))
        {
            status = "FailureTarget";
        }
        else
        {
            status = "Running";
        }

        var jobSpec = Json.At(o, "spec");
        var (names, images) = Containers(Json.At(jobSpec, "template", "spec"));
        return new([S(Name(o)), S(status), S(completions), S(duration), S(Age(o, now)), S(names), S(images), S(LabelSelector(Json.At(jobSpec, "selector")))]);
    }

    /// <summary>hasJobCondition: the first condition of the type decides.</summary>
    private static bool HasCondition(JsonObject o, string type) =>
        Json.Objects(o, "status", "conditions").FirstOrDefault(c => Json.Str(c, "type") == type) is { } c && Json.Str(c, "status") == "True";

    /// <summary>printPod: READY counts, the aggregate STATUS reason (init containers, waiting/terminated reasons, Terminating) and RESTARTS.</summary>
    private static PrintedRow PrintPod(JsonObject pod, DateTimeOffset now)
    {
        var spec = Json.At(pod, "spec");
        var status = Json.At(pod, "status");
        var restarts = 0L;
        var restartableInitRestarts = 0L;
        var totalContainers = Json.Count(spec, "containers");
        var readyContainers = 0;
        DateTimeOffset? lastRestart = null;
        DateTimeOffset? lastRestartableInitRestart = null;

        var phase = Json.Str(status, "phase");
        var reason = Json.Str(status, "reason") is { Length: > 0 } r ? r : phase;

        if (Json.Objects(status, "conditions").Any(c => Json.Str(c, "type") == "PodScheduled" && Json.Str(c, "reason") == "SchedulingGated"))
        {
            reason = "SchedulingGated";
        }

        JsonArray? conditions = phase switch
        {
            "Succeeded" => RowCompleted("Succeeded", "The pod has completed successfully."),
            "Failed" => RowCompleted("Failed", "The pod failed."),
            _ => null,
        };

        // Sidecars (init containers with restartPolicy Always) count as regular containers.
        var initSpecs = Json.Objects(spec, "initContainers").ToList();
        var restartable = initSpecs.Where(c => Json.Str(c, "restartPolicy") == "Always").Select(c => Json.Str(c, "name")).ToHashSet(StringComparer.Ordinal);
        totalContainers += restartable.Count;

        var initializing = false;
        var initStatuses = Json.Objects(status, "initContainerStatuses").ToList();
        for (var i = 0; i < initStatuses.Count; i++)
        {
            var container = initStatuses[i];
            var isRestartable = restartable.Contains(Json.Str(container, "name"));
            restarts += Json.Int(container, "restartCount");
            var finished = LastTermination(container);
            if (finished is { } f && (lastRestart is null || lastRestart < f))
            {
                lastRestart = f;
            }

            if (isRestartable)
            {
                restartableInitRestarts += Json.Int(container, "restartCount");
                if (finished is { } g && (lastRestartableInitRestart is null || lastRestartableInitRestart < g))
                {
                    lastRestartableInitRestart = g;
                }
            }

            var terminated = Json.At(container, "state", "terminated") as JsonObject;
            var waiting = Json.At(container, "state", "waiting") as JsonObject;
            if (terminated is not null && Json.Int(terminated, "exitCode") == 0)
            {
                continue;
            }

            if (isRestartable && Json.Bool(container, "started"))
            {
                if (Json.Bool(container, "ready"))
                {
                    readyContainers++;
                }

                continue;
            }

            if (terminated is not null)
            {
                reason = Json.Str(terminated, "reason") is { Length: > 0 } tr
                    ? "Init:" + tr
                    : Json.Int(terminated, "signal") != 0 ? $"Init:Signal:{Json.Int(terminated, "signal")}" : $"Init:ExitCode:{Json.Int(terminated, "exitCode")}";
            }
            else if (waiting is not null && Json.Str(waiting, "reason") is { Length: > 0 } wr && wr != "PodInitializing")
            {
                reason = "Init:" + wr;
            }
            else
            {
                reason = $"Init:{i}/{initSpecs.Count}";
            }

            initializing = true;
            break;
        }

        var initializedTrue = Json.Objects(status, "conditions").Any(c => Json.Str(c, "type") == "Initialized" && Json.Str(c, "status") == "True");
        if (!initializing || initializedTrue)
        {
            restarts = restartableInitRestarts;
            lastRestart = lastRestartableInitRestart;
            var hasRunning = false;
            var statuses = Json.Objects(status, "containerStatuses").ToList();
            for (var i = statuses.Count - 1; i >= 0; i--)
            {
                var container = statuses[i];
                restarts += Json.Int(container, "restartCount");
                if (LastTermination(container) is { } f && (lastRestart is null || lastRestart < f))
                {
                    lastRestart = f;
                }

                var waitingReason = Json.Str(container, "state", "waiting", "reason");
                var terminated = Json.At(container, "state", "terminated") as JsonObject;
                if (waitingReason.Length > 0)
                {
                    reason = waitingReason;
                }
                else if (terminated is not null && Json.Str(terminated, "reason") is { Length: > 0 } tr)
                {
                    reason = tr;
                }
                else if (terminated is not null)
                {
                    reason = Json.Int(terminated, "signal") != 0 ? $"Signal:{Json.Int(terminated, "signal")}" : $"ExitCode:{Json.Int(terminated, "exitCode")}";
                }
                else if (Json.Bool(container, "ready") && Json.At(container, "state", "running") is not null)
                {
                    hasRunning = true;
                    readyContainers++;
                }
            }

            if (reason == "Completed" && hasRunning)
            {
                var podReady = Json.Objects(status, "conditions").Any(c => Json.Str(c, "type") == "Ready" && Json.Str(c, "status") == "True");
                reason = podReady ? "Running" : "NotReady";
            }
        }

        if (Deleting(pod) && Json.Str(status, "reason") == "NodeLost")
        {
            reason = "Unknown";
        }
        else if (Deleting(pod) && phase is not ("Succeeded" or "Failed"))
        {
            reason = "Terminating";
        }

        var restartsText = restarts != 0 && lastRestart is { } lr ? $"{restarts} ({HumanDuration.Format(now - lr)} ago)" : restarts.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var podIp = Json.Objects(status, "podIPs").Select(p => Json.Str(p, "ip")).FirstOrDefault() ?? Json.Str(status, "podIP");
        var nodeName = Json.Str(spec, "nodeName");
        var nominated = Json.Str(status, "nominatedNodeName");
        var gates = Json.Objects(spec, "readinessGates").Select(g => Json.Str(g, "conditionType")).ToList();
        var readinessGates = "<none>";
        if (gates.Count > 0)
        {
            var trueCount = gates.Count(g => Json.Objects(status, "conditions").FirstOrDefault(c => Json.Str(c, "type") == g) is { } c && Json.Str(c, "status") == "True");
            readinessGates = $"{trueCount}/{gates.Count}";
        }

        return new(
            [
                S(Name(pod)), S($"{readyContainers}/{totalContainers}"), S(reason), S(restartsText), S(Age(pod, now)),
                S(string.IsNullOrEmpty(podIp) ? "<none>" : podIp), S(nodeName.Length == 0 ? "<none>" : nodeName),
                S(nominated.Length == 0 ? "<none>" : nominated), S(readinessGates),
            ],
            conditions);
    }

    private static DateTimeOffset? LastTermination(JsonObject container) =>
        Json.At(container, "lastState", "terminated") is JsonObject t && HumanDuration.TryParse(Json.Str(t, "finishedAt"), out var f) ? f : null;

    private static JsonArray RowCompleted(string reason, string message) =>
        [new JsonObject { ["type"] = "Completed", ["status"] = "True", ["reason"] = reason, ["message"] = message }];
}
