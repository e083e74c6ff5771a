using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Resources;

namespace FluxSharp.LocalCluster.Http;

/// <summary>The discovery documents kubectl and client-go read first: legacy (/api, /apis, per group-version) and aggregated (apidiscovery.k8s.io v2/v2beta1).</summary>
internal static class Discovery
{
    public static JsonObject Version() => new()
    {
        ["major"] = "1",
        ["minor"] = "32",
        ["gitVersion"] = "v1.32.0-fluxsharp",
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2026-11-25T00:00:00Z",
        ["goVersion"] = "go1.23.0",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    public static JsonObject CoreVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    public static JsonObject GroupList(ResourceRegistry registry) => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray(registry.Groups().Where(g => g.Group.Length > 0).Select(g => (JsonNode?)Group(g.Group, g.Versions)).ToArray()),
    };

    public static JsonObject? GroupDocument(ResourceRegistry registry, string group)
    {
        var g = registry.Groups().FirstOrDefault(x => x.Group == group);
        return g.Group is null || group.Length == 0 ? null : Group(g.Group, g.Versions);
    }

    public static JsonObject? ResourceList(ResourceRegistry registry, string group, string version)
    {
        var resources = registry.All.Where(r => r.Group == group && r.Version == version).ToList();
        if (resources.Count == 0)
        {
            return null;
        }

        var list = new JsonArray();
        foreach (var r in resources)
        {
            var entry = new JsonObject
            {
                ["name"] = r.Plural,
                ["singularName"] = r.Singular,
                ["namespaced"] = r.Namespaced,
                ["kind"] = r.Kind,
                ["verbs"] = Strings(r.Verbs),
            };
            if (r.ShortNames.Count > 0)
            {
                entry["shortNames"] = Strings(r.ShortNames);
            }

            if (r.Categories.Count > 0)
            {
                entry["categories"] = Strings(r.Categories);
            }

            list.Add(entry);
            if (r.HasStatus)
            {
                list.Add(new JsonObject { ["name"] = r.Plural + "/status", ["singularName"] = string.Empty, ["namespaced"] = r.Namespaced, ["kind"] = r.Kind, ["verbs"] = Strings(["get", "patch", "update"]) });
            }

            if (r.Group.Length == 0 && r.Plural == "pods")
            {
                list.Add(new JsonObject { ["name"] = "pods/log", ["singularName"] = string.Empty, ["namespaced"] = true, ["kind"] = "Pod", ["verbs"] = Strings(["get"]) });
            }

            if (r.Scale is not null)
            {
                list.Add(new JsonObject { ["name"] = r.Plural + "/scale", ["singularName"] = string.Empty, ["namespaced"] = r.Namespaced, ["group"] = "autoscaling", ["version"] = "v1", ["kind"] = "Scale", ["verbs"] = Strings(["get", "patch", "update"]) });
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : group + "/" + version,
            ["resources"] = list,
        };
    }

    /// <summary>APIGroupDiscoveryList for /api (core only) or /apis (all named groups).</summary>
    public static JsonObject Aggregated(ResourceRegistry registry, bool core, string apiVersion)
    {
        var items = new JsonArray();
        foreach (var (group, versions) in registry.Groups().Where(g => (g.Group.Length == 0) == core))
        {
            var versionList = new JsonArray();
            foreach (var v in versions)
            {
                var resources = new JsonArray();
                foreach (var r in registry.All.Where(r => r.Group == group && r.Version == v).OrderBy(r => r.Plural, StringComparer.Ordinal))
                {
                    var entry = new JsonObject
                    {
                        ["resource"] = r.Plural,
                        ["responseKind"] = new JsonObject { ["group"] = r.Group, ["version"] = r.Version, ["kind"] = r.Kind },
                        ["scope"] = r.Namespaced ? "Namespaced" : "Cluster",
                        ["singularResource"] = r.Singular,
                        ["verbs"] = Strings(r.Verbs),
                    };
                    if (r.ShortNames.Count > 0)
                    {
                        entry["shortNames"] = Strings(r.ShortNames);
                    }

                    if (r.Categories.Count > 0)
                    {
                        entry["categories"] = Strings(r.Categories);
                    }

                    var subs = new JsonArray();
                    if (r.HasStatus)
                    {
                        subs.Add(new JsonObject { ["subresource"] = "status", ["responseKind"] = new JsonObject { ["group"] = r.Group, ["version"] = r.Version, ["kind"] = r.Kind }, ["verbs"] = Strings(["get", "patch", "update"]) });
                    }

                    if (r.Scale is not null)
                    {
                        subs.Add(new JsonObject { ["subresource"] = "scale", ["responseKind"] = new JsonObject { ["group"] = "autoscaling", ["version"] = "v1", ["kind"] = "Scale" }, ["verbs"] = Strings(["get", "patch", "update"]) });
                    }

                    if (r.Group.Length == 0 && r.Plural == "pods")
                    {
                        subs.Add(new JsonObject { ["subresource"] = "log", ["responseKind"] = new JsonObject { ["group"] = string.Empty, ["version"] = "v1", ["kind"] = "Pod" }, ["verbs"] = Strings(["get"]) });
                    }

                    if (subs.Count > 0)
                    {
                        entry["subresources"] = subs;
                    }

                    resources.Add(entry);
                }

                versionList.Add(new JsonObject { ["version"] = v, ["resources"] = resources, ["freshness"] = "Current" });
            }

            var metadata = new JsonObject { ["creationTimestamp"] = null };
            if (!core)
            {
                metadata["name"] = group;
            }

            items.Add(new JsonObject { ["metadata"] = metadata, ["versions"] = versionList });
        }

        return new JsonObject
        {
            ["kind"] = "APIGroupDiscoveryList",
            ["apiVersion"] = apiVersion,
            ["metadata"] = new JsonObject(),
            ["items"] = items,
        };
    }

    private static JsonObject Group(string name, IReadOnlyList<string> versions)
    {
        var vs = new JsonArray(versions.Select(v => (JsonNode?)new JsonObject { ["groupVersion"] = name + "/" + v, ["version"] = v }).ToArray());
        return new JsonObject
        {
            ["kind"] = "APIGroup",
            ["apiVersion"] = "v1",
            ["name"] = name,
            ["versions"] = vs,
            ["preferredVersion"] = new JsonObject { ["groupVersion"] = name + "/" + versions[0], ["version"] = versions[0] },
        };
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
}
