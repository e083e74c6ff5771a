using System.Text.Json.Nodes;
using FluxSharp.Formats;
using static FluxSharp.LocalCluster.Tables.Format;

namespace FluxSharp.LocalCluster.Tables;

/// <summary>Non-workload built-in kinds, as pkg/printers/internalversion prints them.</summary>
internal static class ResourcePrinters
{
    public static Printer ConfigMap { get; } = Simple(
        [new("Data", "string", "Data contains the configuration data.")],
        o => [I(Json.Count(o, "data") + Json.Count(o, "binaryData"))]);

    public static Printer Secret { get; } = Simple(
        [new("Type", "string", "Used to facilitate programmatic handling of secret data."), new("Data", "string", "Data contains the secret data.")],
        o => [S(Json.Str(o, "type")), I(Json.Count(o, "data"))]);

    public static Printer Namespace { get; } = Simple(
        [new("Status", "string", "The status of the namespace")],
        o => [S(Json.Str(o, "status", "phase"))]);

    public static Printer ServiceAccount { get; } = Simple(
        [new("Secrets", "string", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.")],
        o => [I(Json.Count(o, "secrets"))]);

    public static Printer Lease { get; } = Simple(
        [new("Holder", "string", "holderIdentity contains the identity of the holder of a current lease.")],
        o => [S(Json.Str(o, "spec", "holderIdentity"))]);

    public static Printer NetworkPolicy { get; } = Simple(
        [new("Pod-Selector", "string", "podSelector selects the pods to which this NetworkPolicy object applies.")],
        o => [S(LabelSelector(Json.At(o, "spec", "podSelector") ?? new JsonObject()))]);

    public static Printer Endpoints { get; } = Simple(
        [new("Endpoints", "string", "The set of all endpoints is the union of all subsets.")],
        o => [S(FormatEndpoints(o))]);

    public static Printer Webhooks { get; } = Simple(
        [new("Webhooks", "integer", "Webhooks indicates the number of webhooks registered in this configuration")],
        o => [I(Json.Count(o, "webhooks"))]);

    public static Printer PodDisruptionBudget { get; } = Simple(
        [
            new("Min Available", "string", "The minimum number of pods that must be available."),
            new("Max Unavailable", "string", "The maximum number of pods that may be unavailable."),
            new("Allowed Disruptions", "integer", "Calculated number of pods that may be disrupted at this time."),
        ],
        o => [S(Json.Scalar(o, "spec", "minAvailable") ?? "N/A"), S(Json.Scalar(o, "spec", "maxUnavailable") ?? "N/A"), I(Json.Int(o, "status", "disruptionsAllowed"))]);

    /// <summary>Role and ClusterRole print NAME and CREATED AT (RFC3339), not AGE.</summary>
    public static Printer CreatedAtOnly { get; } = new(
        [Column.NameColumn, Column.CreatedAt],
        (o, _) => new([S(Name(o)), S(CreatedAt(o))]));

    public static Printer Binding { get; } = new(
        [
            Column.NameColumn,
            new("Role", "string", "RoleRef can only reference a ClusterRole in the global namespace."),
            Column.Age,
            new("Users", "string", "Users in the roleBinding", 1),
            new("Groups", "string", "Groups in the roleBinding", 1),
            new("ServiceAccounts", "string", "ServiceAccounts in the roleBinding", 1),
        ],
        (o, now) =>
        {
            var subjects = Json.Objects(o, "subjects").ToList();
            string Join(string kind, Func<JsonObject, string> text) => string.Join(", ", subjects.Where(s => Json.Str(s, "kind") == kind).Select(text));
            return new([
                S(Name(o)), S($"{Json.Str(o, "roleRef", "kind")}/{Json.Str(o, "roleRef", "name")}"), S(Age(o, now)),
                S(Join("User", s => Json.Str(s, "name"))), S(Join("Group", s => Json.Str(s, "name"))),
                S(Join("ServiceAccount", s => Json.Str(s, "namespace") is { Length: > 0 } ns ? $"{ns}/{Json.Str(s, "name")}" : Json.Str(s, "name"))),
            ]);
        });

    public static Printer Service { get; } = new(
        [
            Column.NameColumn,
            new("Type", "string", "type determines how the Service is exposed."),
            new("Cluster-IP", "string", "clusterIP is the IP address of the service and is usually assigned randomly."),
            new("External-IP", "string", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
            new("Port(s)", "string", "The list of ports that are exposed by this service."),
            Column.Age,
            new("Selector", "string", "Route service traffic to pods with label keys and values matching this selector.", 1),
        ],
        (o, now) =>
        {
            var clusterIp = Json.Strings(o, "spec", "clusterIPs").FirstOrDefault() ?? (Json.Str(o, "spec", "clusterIP") is { Length: > 0 } ip ? ip : "<none>");
            var ports = string.Join(",", Json.Objects(o, "spec", "ports").Select(p =>
            {
                var protocol = Json.Str(p, "protocol") is { Length: > 0 } pr ? pr : "TCP";
                var nodePort = Json.Int(p, "nodePort");
                return nodePort > 0 ? $"{Json.Int(p, "port")}:{nodePort}/{protocol}" : $"{Json.Int(p, "port")}/{protocol}";
            }));
            return new([
                S(Name(o)), S(Json.Str(o, "spec", "type") is { Length: > 0 } t ? t : "ClusterIP"), S(clusterIp), S(ServiceExternalIp(o)),
                S(ports.Length == 0 ? "<none>" : ports), S(Age(o, now)), S(Labels(Json.At(o, "spec", "selector"))),
            ]);
        });

    public static Printer Ingress { get; } = new(
        [
            Column.NameColumn,
            new("Class", "string", "The name of the IngressClass resource that should be used for additional configuration"),
            new("Hosts", "string", "Hosts that incoming requests are matched against before the ingress rule"),
            new("Address", "string", "Address is a list containing ingress points for the load-balancer"),
            new("Ports", "string", "Ports of TLS configurations that open"),
            Column.Age,
        ],
        (o, now) =>
        {
            var rules = Json.Objects(o, "spec", "rules").ToList();
            var hosts = rules.Select(r => Json.Str(r, "host")).Where(h => h.Length > 0).Take(3).ToList();
            var hostText = hosts.Count == 0 ? "*" : string.Join(",", hosts) + (rules.Count > 3 ? $" + {rules.Count - 3} more..." : "");
            var className = Json.Str(o, "spec", "ingressClassName");
            return new([
                S(Name(o)), S(className.Length == 0 ? "<none>" : className), S(hostText), S(LoadBalancer(Json.At(o, "status", "loadBalancer"))),
                S(Json.Count(o, "spec", "tls") > 0 ? "80, 443" : "80"), S(Age(o, now)),
            ]);
        });

    public static Printer PersistentVolumeClaim { get; } = new(
        [
            Column.NameColumn,
            new("Status", "string", "phase represents the current phase of PersistentVolumeClaim."),
            new("Volume", "string", "volumeName is the binding reference to the PersistentVolume backing this claim."),
            new("Capacity", "string", "capacity represents the actual resources of the underlying volume."),
            new("Access Modes", "string", "accessModes contains the actual access modes the volume backing the PVC has."),
            new("StorageClass", "string", "StorageClass of the pvc"),
            new("VolumeAttributesClass", "string", "VolumeAttributesClass of the pvc"),
            Column.Age,
            new("VolumeMode", "string", "volumeMode defines what type of volume is required by the claim.", 1),
        ],
        (o, now) =>
        {
            var bound = Json.Str(o, "spec", "volumeName");
            var storageClass = Json.Str(o, "metadata", "annotations", "volume.beta.kubernetes.io/storage-class") is { Length: > 0 } a ? a : Json.Str(o, "spec", "storageClassName");
            return new([
                S(Name(o)), S(Deleting(o) ? "Terminating" : Json.Str(o, "status", "phase")), S(bound),
                S(bound.Length > 0 ? Json.Str(o, "status", "capacity", "storage") : ""), S(bound.Length > 0 ? AccessModes(Json.Strings(o, "status", "accessModes")) : ""),
                S(storageClass), S(Json.Str(o, "spec", "volumeAttributesClassName") is { Length: > 0 } v ? v : "<unset>"), S(Age(o, now)),
                S(Json.Str(o, "spec", "volumeMode") is { Length: > 0 } m ? m : "<unset>"),
            ]);
        });

    public static Printer HorizontalPodAutoscaler { get; } = Simple(
        [
            new("Reference", "string", "scaleTargetRef points to the target resource to scale."),
            new("Targets", "string", "metrics contains the specifications for which to use to calculate the desired replica count."),
            new("MinPods", "string", "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down."),
            new("MaxPods", "string", "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up."),
            new("Replicas", "string", "currentReplicas is current number of replicas of pods managed by this autoscaler."),
        ],
        o => [
            S($"{Json.Str(o, "spec", "scaleTargetRef", "kind")}/{Json.Str(o, "spec", "scaleTargetRef", "name")}"), S(HpaMetrics(o)),
            S(Json.IntOrNull(o, "spec", "minReplicas")?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "<unset>"),
            I(Json.Int(o, "spec", "maxReplicas")), I(Json.Int(o, "status", "currentReplicas")),
        ]);

    public static Printer Event { get; } = new(
        [
            new("Last Seen", "string", "The time at which the most recent occurrence of this event was recorded."),
            new("Type", "string", "Type of this event (Normal, Warning), new types could be added in the future"),
            new("Reason", "string", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
            new("Object", "string", "The object that this event is about."),
            new("Subobject", "string", "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.", 1),
            new("Source", "string", "The component reporting this event. Should be a short machine understandable string.", 1),
            new("Message", "string", "A human-readable description of the status of this operation."),
            new("First Seen", "string", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)", 1),
            new("Count", "string", "The number of times this event has occurred.", 1),
            new("Name", "string", Column.NameDescription, 1, "name"),
        ],
        (o, now) =>
        {
            var first = Json.Str(o, "firstTimestamp") is { Length: > 0 } ft ? HumanDuration.Since(ft, now) : HumanDuration.Since(Json.Str(o, "eventTime"), now);
            var last = Json.Str(o, "lastTimestamp") is { Length: > 0 } lt ? HumanDuration.Since(lt, now) : first;
            var count = Json.Int(o, "count");
            if (Json.At(o, "series") is JsonObject series)
            {
                last = HumanDuration.Since(Json.Str(series, "lastObservedTime"), now);
                count = Json.Int(series, "count");
            }
            else if (count == 0)
            {
                count = 1;
            }

            var kind = Json.Str(o, "involvedObject", "kind").ToLowerInvariant();
            var target = Json.Str(o, "involvedObject", "name") is { Length: > 0 } n ? $"{kind}/{n}" : kind;
            var component = FirstNonEmpty(Json.Str(o, "source", "component"), Json.Str(o, "reportingComponent"));
            var host = FirstNonEmpty(Json.Str(o, "source", "host"), Json.Str(o, "reportingInstance"));
            return new([
                S(last), S(Json.Str(o, "type")), S(Json.Str(o, "reason")), S(target), S(Json.Str(o, "involvedObject", "fieldPath")),
                S(host.Length == 0 ? component : $"{component}, {host}"), S(Json.Str(o, "message").Trim()), S(first), I(count), S(Name(o)),
            ]);
        });

    public static Printer Node { get; } = new(
        [
            Column.NameColumn,
            new("Status", "string", "The status of the node"),
            new("Roles", "string", "The roles of the node"),
            Column.Age,
            new("Version", "string", "Kubelet Version reported by the node."),
            new("Internal-IP", "string", "List of addresses reachable to the node.", 1),
            new("External-IP", "string", "List of addresses reachable to the node.", 1),
            new("OS-Image", "string", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).", 1),
            new("Kernel-Version", "string", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
            new("Container-Runtime", "string", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).", 1),
        ],
        (o, now) =>
        {
            var ready = Json.Objects(o, "status", "conditions").LastOrDefault(c => Json.Str(c, "type") == "Ready");
            var status = ready is null ? "Unknown" : Json.Str(ready, "status") == "True" ? "Ready" : "NotReady";
            if (Json.Bool(o, "spec", "unschedulable"))
            {
                status += ",SchedulingDisabled";
            }

            var roles = new SortedSet<string>(StringComparer.Ordinal);
            if (Json.At(o, "metadata", "labels") is JsonObject labels)
            {
                foreach (var (k, v) in labels)
                {
                    if (k.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal) && k.Length > "node-role.kubernetes.io/".Length)
                    {
                        roles.Add(k["node-role.kubernetes.io/".Length..]);
                    }
                    else if (k == "kubernetes.io/role" && Text(v).Length > 0)
                    {
                        roles.Add(Text(v));
                    }
                }
            }

            string Address(string type) => Json.Objects(o, "status", "addresses").FirstOrDefault(a => Json.Str(a, "type") == type) is { } a ? Json.Str(a, "address") : "<none>";
            string Info(string field) => Json.Str(o, "status", "nodeInfo", field) is { Length: > 0 } s ? s : "<unknown>";
            return new([
                S(Name(o)), S(status), S(roles.Count == 0 ? "<none>" : string.Join(",", roles)), S(Age(o, now)), S(Json.Str(o, "status", "nodeInfo", "kubeletVersion")),
                S(Address("InternalIP")), S(Address("ExternalIP")), S(Info("osImage")), S(Info("kernelVersion")), S(Info("containerRuntimeVersion")),
            ]);
        });

    /// <summary>NAME, the given columns, AGE — the shape most printers have.</summary>
    private static Printer Simple(Column[] columns, Func<JsonObject, JsonNode?[]> cells) => new(
        [Column.NameColumn, .. columns, Column.Age],
        (o, now) => new([S(Name(o)), .. cells(o), S(Age(o, now))]));

    private static string FirstNonEmpty(string a, string b) => a.Length > 0 ? a : b;

    private static string ServiceExternalIp(JsonObject o)
    {
        var externalIps = Json.Strings(o, "spec", "externalIPs").ToList();
        switch (Json.Str(o, "spec", "type") is { Length: > 0 } t ? t : "ClusterIP")
        {
            case "ClusterIP":
            case "NodePort":
                return externalIps.Count > 0 ? string.Join(",", externalIps) : "<none>";
            case "LoadBalancer":
                var lb = LoadBalancer(Json.At(o, "status", "loadBalancer"));
                var all = (lb.Length > 0 ? lb.Split(',') : []).Concat(externalIps).ToList();
                return all.Count > 0 ? string.Join(",", all) : "<pending>";
            case "ExternalName":
                return Json.Str(o, "spec", "externalName");
            default:
                return "<unknown>";
        }
    }

    private static string LoadBalancer(JsonNode? status) =>
        string.Join(",", Json.Objects(status, "ingress").Select(i => Json.Str(i, "ip") is { Length: > 0 } ip ? ip : Json.Str(i, "hostname")).Where(s => s.Length > 0).Distinct());

    /// <summary>GetAccessModesAsString: abbreviated, in a fixed order, de-duplicated.</summary>
    private static string AccessModes(IEnumerable<string> modes)
    {
        var set = modes.ToHashSet(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var (mode, abbreviation) in new[] { ("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"), ("ReadWriteOncePod", "RWOP") })
        {
            if (set.Contains(mode))
            {
                result.Add(abbreviation);
            }
        }

        return string.Join(",", result);
    }

    private static string FormatEndpoints(JsonObject o)
    {
        var subsets = Json.Objects(o, "subsets").ToList();
        if (subsets.Count == 0)
        {
            return "<none>";
        }

        const int max = 3;
        var list = new List<string>();
        var count = 0;
        foreach (var subset in subsets)
        {
            var addresses = Json.Objects(subset, "addresses").Select(a => Json.Str(a, "ip")).ToList();
            var ports = Json.Objects(subset, "ports").ToList();
            if (ports.Count == 0)
            {
                count += addresses.Count;
                list.AddRange(addresses.Take(Math.Max(0, max - list.Count)));
                continue;
            }

            foreach (var port in ports)
            {
                count += addresses.Count;
                foreach (var ip in addresses)
                {
                    if (list.Count < max)
                    {
                        list.Add(ip.Contains(':', StringComparison.Ordinal) ? $"[{ip}]:{Json.Int(port, "port")}" : $"{ip}:{Json.Int(port, "port")}");
                    }
                }
            }
        }

        var text = string.Join(",", list);
        return count > max ? $"{text} + {count - max} more..." : text;
    }

    private static string HpaMetrics(JsonObject o)
    {
        var specs = Json.Objects(o, "spec", "metrics").ToList();
        if (specs.Count == 0)
        {
            return "<none>";
        }

        var statuses = Json.Objects(o, "status", "currentMetrics").ToList();
        var list = new List<string>();
        for (var i = 0; i < specs.Count; i++)
        {
            var spec = specs[i];
            var current = i < statuses.Count ? statuses[i] : null;
            if (Json.Str(spec, "type") == "Resource" && Json.At(spec, "resource") is JsonObject resource)
            {
                var name = Json.Str(resource, "name");
                if (Json.Scalar(resource, "target", "averageValue") is { } averageValue)
                {
                    list.Add($"{name}: {Json.Scalar(current, "resource", "current", "averageValue") ?? "<unknown>"}/{averageValue}");
                }
                else
                {
                    var cur = Json.IntOrNull(current, "resource", "current", "averageUtilization") is { } u ? $"{u}%" : "<unknown>";
                    var target = Json.IntOrNull(resource, "target", "averageUtilization") is { } t ? $"{t}%" : "<auto>";
                    list.Add($"{name}: {cur}/{target}");
                }
            }
            else
            {
                list.Add("<unknown type>");
            }
        }

        return list.Count > 2 ? $"{string.Join(", ", list.Take(2))} + {list.Count - 2} more..." : string.Join(", ", list);
    }

}
