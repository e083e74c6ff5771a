using System.Text;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Objects;
using FluxSharp.LocalCluster.Resources;

namespace FluxSharp.LocalCluster.Api;

/// <summary>
/// What the real server's registry strategies do to built-in kinds on write: namespace finalizers and phase,
/// Secret stringData folded into data, Service type/clusterIP/port defaults, protocol defaults on ports.
/// </summary>
internal sealed class BuiltinAdmission : IAdmissionHook
{
    private int _nextServiceIp = 10;

    public void BeforeCreate(ResourceInfo r, JsonObject obj, RequestContext ctx)
    {
        switch ((r.Group, r.Kind))
        {
            case ("", "Namespace"):
                var spec = obj["spec"] as JsonObject ?? new JsonObject();
                obj["spec"] = spec;
                spec["finalizers"] ??= new JsonArray("kubernetes");
                obj["status"] = new JsonObject { ["phase"] = "Active" };
                Obj.Metadata(obj)["labels"] ??= new JsonObject();
                ((JsonObject)Obj.Metadata(obj)["labels"]!)["kubernetes.io/metadata.name"] = Obj.Name(obj);
                break;
            case ("", "Service"):
                DefaultService(obj, null);
                break;
        }

        Common(r, obj);
    }

    public void BeforeUpdate(ResourceInfo r, JsonObject live, JsonObject obj, RequestContext ctx)
    {
        switch ((r.Group, r.Kind))
        {
            case ("", "Namespace"):
                ((JsonObject?)Obj.Metadata(obj)["labels"] ?? (JsonObject)(Obj.Metadata(obj)["labels"] = new JsonObject()))["kubernetes.io/metadata.name"] = Obj.Name(obj);
                break;
            case ("", "Service"):
                DefaultService(obj, live);
                break;
        }

        Common(r, obj);
        CheckImmutable(r, live, obj);
    }

    /// <summary>
    /// The fields the real registry strategies refuse to change: workload selectors, a Job's pod template,
    /// the data of a ConfigMap or Secret marked immutable. The answer is 422 Invalid saying "field is immutable".
    /// </summary>
    private static void CheckImmutable(ResourceInfo r, JsonObject live, JsonObject obj)
    {
        var causes = new List<StatusCause>();
        void Same(params string[] path)
        {
            var before = Obj.At(live, path);
            var after = Obj.At(obj, path);
            if (before is not null && !Obj.DeepEquals(before, after))
            {
                causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {after?.ToJsonString() ?? "null"}: field is immutable", string.Join('.', path)));
            }
        }

        switch ((r.Group, r.Kind))
        {
            case ("apps", "Deployment" or "ReplicaSet" or "StatefulSet" or "DaemonSet"):
                Same("spec", "selector");
                break;
            case ("batch", "Job"):
                Same("spec", "selector");
                Same("spec", "template");
                Same("spec", "completionMode");
                break;
            case ("", "ConfigMap" or "Secret") when Obj.At(live, "immutable") is JsonValue v && v.TryGetValue<bool>(out var immutable) && immutable:
                foreach (var field in new[] { "data", "binaryData", "immutable" })
                {
                    if (!Obj.DeepEquals(live[field], obj[field]))
                    {
                        causes.Add(new StatusCause("FieldValueForbidden", "Forbidden: field is immutable when `immutable` is set", field));
                    }
                }

                break;
        }

        if (causes.Count > 0)
        {
            throw ApiException.Invalid(r.Kind, r.Group, Obj.Name(live), causes);
        }
    }

    public void BeforeDelete(ResourceInfo r, JsonObject obj, List<string> finalizers)
    {
        if (r.Group.Length == 0 && r.Kind == "Namespace" && !Obj.IsDeleting(obj))
        {
            // The namespace controller empties the namespace, then removes spec.finalizers.
            obj["status"] = new JsonObject { ["phase"] = "Terminating" };
        }
    }

    public void AfterWrite(ResourceInfo r, JsonObject stored)
    {
    }

    private static void Common(ResourceInfo r, JsonObject obj)
    {
        DataFields.CheckBase64(r, obj);
        if (r.Group.Length == 0 && r.Kind == "Secret")
        {
            FoldStringData(obj);
        }

        DataFields.CheckSize(r, obj);

        if (r.Group == "apps" && obj["spec"] is JsonObject workloadSpec)
        {
            DefaultWorkloadSpec(r.Kind, workloadSpec);
        }

        if (Obj.At(obj, "spec", "template", "spec") is JsonObject podSpec)
        {
            DefaultPodSpec(podSpec);
        }
        else if (r.Kind == "CronJob" && Obj.At(obj, "spec", "jobTemplate", "spec", "template", "spec") is JsonObject cronPod)
        {
            DefaultPodSpec(cronPod);
        }
        else if (r.Kind == "Pod" && obj["spec"] is JsonObject pod)
        {
            DefaultPodSpec(pod);
        }
    }

    /// <summary>stringData is write-only: its entries are base64-encoded into data and the field dropped.</summary>
    private static void FoldStringData(JsonObject secret)
    {
        secret["type"] ??= "Opaque";
        if (secret["stringData"] is not JsonObject stringData)
        {
            return;
        }

        var data = secret["data"] as JsonObject ?? new JsonObject();
        foreach (var (k, v) in stringData)
        {
            var text = v is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : v?.ToJsonString() ?? string.Empty;
            data[k] = Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
        }

        secret["data"] = data;
        secret.Remove("stringData");
    }

    private void DefaultService(JsonObject svc, JsonObject? live)
    {
        if (svc["spec"] is not JsonObject spec)
        {
            return;
        }

        spec["type"] ??= "ClusterIP";
        var type = Obj.Str(spec, "type");
        if (type is "ClusterIP" or "NodePort" or "LoadBalancer")
        {
            var liveIp = Obj.Str(live, "spec", "clusterIP");
            if (Obj.Str(spec, "clusterIP") is null or "")
            {
                spec["clusterIP"] = liveIp ?? $"10.96.{(Interlocked.Increment(ref _nextServiceIp) / 250) % 250}.{(_nextServiceIp % 250) + 1}";
            }

            spec["clusterIPs"] ??= new JsonArray(Obj.Str(spec, "clusterIP"));
            spec["sessionAffinity"] ??= "None";
            spec["ipFamilies"] ??= new JsonArray("IPv4");
            spec["ipFamilyPolicy"] ??= "SingleStack";
            spec["internalTrafficPolicy"] ??= "Cluster";
        }

        if (spec["ports"] is JsonArray ports)
        {
            foreach (var p in ports.OfType<JsonObject>())
            {
                p["protocol"] ??= "TCP";
                p["targetPort"] ??= p["port"]?.DeepClone();
            }
        }
    }

    /// <summary>The apps/v1 defaults (k8s.io/kubernetes pkg/apis/apps/v1/defaults.go) that clients and kstatus rely on.</summary>
    private static void DefaultWorkloadSpec(string kind, JsonObject spec)
    {
        switch (kind)
        {
            case "Deployment":
                spec["replicas"] ??= 1;
                spec["revisionHistoryLimit"] ??= 10;
                spec["progressDeadlineSeconds"] ??= 600;
                var strategy = spec["strategy"] as JsonObject ?? new JsonObject();
                spec["strategy"] = strategy;
                strategy["type"] ??= "RollingUpdate";
                if (Obj.Str(strategy, "type") == "RollingUpdate")
                {
                    var rolling = strategy["rollingUpdate"] as JsonObject ?? new JsonObject();
                    strategy["rollingUpdate"] = rolling;
                    rolling["maxUnavailable"] ??= "25%";
                    rolling["maxSurge"] ??= "25%";
                }

                break;
            case "StatefulSet":
                spec["replicas"] ??= 1;
                spec["revisionHistoryLimit"] ??= 10;
                spec["podManagementPolicy"] ??= "OrderedReady";
                var update = spec["updateStrategy"] as JsonObject ?? new JsonObject();
                spec["updateStrategy"] = update;
                update["type"] ??= "RollingUpdate";
                if (Obj.Str(update, "type") == "RollingUpdate")
                {
                    update["rollingUpdate"] ??= new JsonObject { ["partition"] = 0 };
                }

                break;
            case "DaemonSet":
                spec["revisionHistoryLimit"] ??= 10;
                var ds = spec["updateStrategy"] as JsonObject ?? new JsonObject();
                spec["updateStrategy"] = ds;
                ds["type"] ??= "RollingUpdate";
                if (Obj.Str(ds, "type") == "RollingUpdate")
                {
                    ds["rollingUpdate"] ??= new JsonObject { ["maxUnavailable"] = 1, ["maxSurge"] = 0 };
                }

                break;
            case "ReplicaSet":
                spec["replicas"] ??= 1;
                break;
        }
    }

    /// <summary>
    /// Defaults the list-map key fields of an applied configuration (port protocol), as structured-merge-diff does
    /// for defaulted keys: otherwise {containerPort: 80} in the config and {containerPort: 80, protocol: TCP} live are
    /// different items and every apply adds a duplicate port.
    /// </summary>
    public static void DefaultApplyKeys(JsonObject config)
    {
        foreach (var spec in new[] { Obj.At(config, "spec"), Obj.At(config, "spec", "template", "spec"), Obj.At(config, "spec", "jobTemplate", "spec", "template", "spec") })
        {
            if (spec is not JsonObject s)
            {
                continue;
            }

            foreach (var p in (s["ports"] as JsonArray ?? []).OfType<JsonObject>())
            {
                p["protocol"] ??= "TCP";
            }

            foreach (var list in new[] { "containers", "initContainers", "ephemeralContainers" })
            {
                foreach (var c in (s[list] as JsonArray ?? []).OfType<JsonObject>())
                {
                    foreach (var p in (c["ports"] as JsonArray ?? []).OfType<JsonObject>())
                    {
                        p["protocol"] ??= "TCP";
                    }
                }
            }
        }
    }

    private static void DefaultPodSpec(JsonObject podSpec)
    {
        podSpec["restartPolicy"] ??= "Always";
        podSpec["dnsPolicy"] ??= "ClusterFirst";
        podSpec["terminationGracePeriodSeconds"] ??= 30;
        podSpec["schedulerName"] ??= "default-scheduler";
        podSpec["securityContext"] ??= new JsonObject();
        foreach (var list in new[] { "containers", "initContainers" })
        {
            if (podSpec[list] is not JsonArray containers)
            {
                continue;
            }

            foreach (var c in containers.OfType<JsonObject>())
            {
                c["terminationMessagePath"] ??= "/dev/termination-log";
                c["terminationMessagePolicy"] ??= "File";
                if (c["imagePullPolicy"] is null)
                {
                    var image = Obj.Str(c, "image") ?? string.Empty;
                    var lastSegment = image[(image.LastIndexOf('/') + 1)..];
                    c["imagePullPolicy"] = !lastSegment.Contains(':', StringComparison.Ordinal) || lastSegment.EndsWith(":latest", StringComparison.Ordinal) ? "Always" : "IfNotPresent";
                }

                c["resources"] ??= new JsonObject();
                if (c["ports"] is JsonArray ports)
                {
                    foreach (var p in ports.OfType<JsonObject>())
                    {
                        p["protocol"] ??= "TCP";
                    }
                }
            }
        }
    }
}
