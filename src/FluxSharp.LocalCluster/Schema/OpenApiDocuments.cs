using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Resources;
using k8s.Models;

namespace FluxSharp.LocalCluster.Schema;

/// <summary>
/// The OpenAPI documents clients read: the /openapi/v3 index, one v3 document per group-version,
/// and /openapi/v2 (swagger 2.0 JSON). kubectl relies on the v3 documents to (a) confirm the server
/// takes the fieldValidation query parameter — it looks for the PATCH operation whose
/// x-kubernetes-group-version-kind matches the object and for an inline "fieldValidation" query
/// parameter on it (for a group-version missing from the index it checks the
/// CustomResourceDefinition PATCH operation instead) — and (b) for client-side apply, to find
/// whether that PATCH accepts application/strategic-merge-patch+json (only built-in kinds do) and
/// then the patch metadata in components.schemas, found by x-kubernetes-group-version-kind.
/// </summary>
public static class OpenApiDocuments
{
    public const string KubernetesVersion = "v1.32.0";

    private static readonly Lock CacheLock = new();
    private static CacheEntry? cache;

    /// <summary>The index key and URL path segment of a group-version: "api/v1" or "apis/apps/v1".</summary>
    public static string GroupVersionPath(string group, string version) =>
        group.Length == 0 ? $"api/{version}" : $"apis/{group}/{version}";

    /// <summary>The /openapi/v3 index: {"paths": {"apis/apps/v1": {"serverRelativeURL": "/openapi/v3/apis/apps/v1?hash=..."}}}.</summary>
    public static JsonObject BuildV3Root(IReadOnlyList<ResourceInfo> resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var paths = new JsonObject();
        foreach (var gv in GroupVersions(resources))
        {
            var json = BuildV3GroupVersion(resources, gv.Group, gv.Version)!.ToJsonString();
            paths[GroupVersionPath(gv.Group, gv.Version)] = new JsonObject
            {
                ["serverRelativeURL"] = $"/openapi/v3/{GroupVersionPath(gv.Group, gv.Version)}?hash={Hash(json)}",
            };
        }

        return new JsonObject { ["paths"] = paths };
    }

    /// <summary>The v3 document of one group-version; null when nothing is served there.</summary>
    public static JsonObject? BuildV3GroupVersion(IReadOnlyList<ResourceInfo> resources, string group, string version)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var served = resources.Where(r => r.Group == group && r.Version == version)
            .OrderBy(r => r.Plural, StringComparer.Ordinal).ToList();
        if (served.Count == 0)
        {
            return null;
        }

        var writer = new OpenApiSchemaWriter(v3: true);
        var paths = new OpenApiPaths(writer).Build(served);
        return new JsonObject
        {
            ["components"] = new JsonObject
            {
                ["schemas"] = Sorted(writer.Definitions),
                ["securitySchemes"] = new JsonObject { ["BearerToken"] = BearerToken() },
            },
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = KubernetesVersion },
            ["openapi"] = "3.0.0",
            ["paths"] = paths,
        };
    }

    /// <summary>The swagger 2.0 document of everything served.</summary>
    public static JsonObject BuildV2(IReadOnlyList<ResourceInfo> resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var writer = new OpenApiSchemaWriter(v3: false);
        var paths = new OpenApiPaths(writer).Build(resources.OrderBy(r => r.Group, StringComparer.Ordinal)
            .ThenBy(r => r.Version, StringComparer.Ordinal).ThenBy(r => r.Plural, StringComparer.Ordinal).ToList());
        return new JsonObject
        {
            ["definitions"] = Sorted(writer.Definitions),
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = KubernetesVersion },
            ["paths"] = paths,
            ["security"] = new JsonArray(new JsonObject { ["BearerToken"] = new JsonArray() }),
            ["securityDefinitions"] = new JsonObject { ["BearerToken"] = BearerToken() },
            ["swagger"] = "2.0",
        };
    }

    /// <summary>The serialized index, cached until <paramref name="cacheKey"/> (the caller's resource-set version) changes.</summary>
    public static string V3RootJson(IReadOnlyList<ResourceInfo> resources, string cacheKey) =>
        Cached(resources, cacheKey).Root.Value;

    /// <summary>The serialized v3 document for a path such as "apis/apps/v1"; null when unknown.</summary>
    public static string? V3GroupVersionJson(IReadOnlyList<ResourceInfo> resources, string groupVersionPath, string cacheKey)
    {
        var entry = Cached(resources, cacheKey);
        return entry.GroupVersions.Value.TryGetValue(groupVersionPath, out var doc) ? doc.Json : null;
    }

    /// <summary>The content hash the index advertises for a group-version (for ETag / immutable caching).</summary>
    public static string? V3GroupVersionHash(IReadOnlyList<ResourceInfo> resources, string groupVersionPath, string cacheKey)
    {
        var entry = Cached(resources, cacheKey);
        return entry.GroupVersions.Value.TryGetValue(groupVersionPath, out var doc) ? doc.Hash : null;
    }

    public static string V2Json(IReadOnlyList<ResourceInfo> resources, string cacheKey) =>
        Cached(resources, cacheKey).V2.Value;

    private static CacheEntry Cached(IReadOnlyList<ResourceInfo> resources, string cacheKey)
    {
        ArgumentNullException.ThrowIfNull(resources);
        ArgumentNullException.ThrowIfNull(cacheKey);
        lock (CacheLock)
        {
            if (cache is null || cache.Key != cacheKey)
            {
                cache = new CacheEntry(cacheKey, resources.ToList());
            }

            return cache;
        }
    }

    private static IEnumerable<(string Group, string Version)> GroupVersions(IReadOnlyList<ResourceInfo> resources) =>
        resources.Select(r => (r.Group, r.Version)).Distinct()
            .OrderBy(gv => GroupVersionPath(gv.Group, gv.Version), StringComparer.Ordinal);

    private static string Hash(string json) =>
        Convert.ToHexString(SHA512.HashData(Encoding.UTF8.GetBytes(json)));

    private static JsonObject Sorted(SortedDictionary<string, JsonObject> definitions)
    {
        var o = new JsonObject();
        foreach (var (name, schema) in definitions)
        {
            o[name] = schema;
        }

        return o;
    }

    private static JsonObject BearerToken() => new()
    {
        ["description"] = "Bearer Token authentication",
        ["in"] = "header",
        ["name"] = "authorization",
        ["type"] = "apiKey",
    };

    /// <summary>Documents of one resource-set version, each built once on first use.</summary>
    private sealed class CacheEntry
    {
        public CacheEntry(string key, List<ResourceInfo> resources)
        {
            Key = key;
            GroupVersions = new(() => GroupVersions(resources).ToDictionary(
                gv => GroupVersionPath(gv.Group, gv.Version),
                gv =>
                {
                    var json = BuildV3GroupVersion(resources, gv.Group, gv.Version)!.ToJsonString();
                    return (json, Hash(json));
                },
                StringComparer.Ordinal));
            Root = new(() =>
            {
                var paths = new JsonObject();
                foreach (var (path, doc) in GroupVersions.Value.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    paths[path] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{path}?hash={doc.Hash}" };
                }

                return new JsonObject { ["paths"] = paths }.ToJsonString();
            });
            V2 = new(() => BuildV2(resources).ToJsonString());
        }

        public string Key { get; }

        public Lazy<Dictionary<string, (string Json, string Hash)>> GroupVersions { get; }

        public Lazy<string> Root { get; }

        public Lazy<string> V2 { get; }
    }
}

/// <summary>The paths (REST operations) of a set of resources, in OpenAPI v3 or swagger 2 form.</summary>
internal sealed class OpenApiPaths(OpenApiSchemaWriter writer)
{
    private static readonly string[] PatchTypesCustom = ["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json"];
    private static readonly string[] PatchTypesBuiltin = ["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json"];
    private static readonly string[] ListParameters = ["allowWatchBookmarks", "continue", "fieldSelector", "labelSelector", "limit", "resourceVersion", "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds", "watch"];
    private static readonly string[] WriteParameters = ["dryRun", "fieldManager", "fieldValidation"];
    private static readonly string[] DeleteParameters = ["dryRun", "gracePeriodSeconds", "ignoreStoreReadErrorWithClusterBreakingPotential", "orphanDependents", "propagationPolicy"];

    private readonly bool v3 = writer.V3;

    public JsonObject Build(IReadOnlyList<ResourceInfo> resources)
    {
        var paths = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var r in resources)
        {
            AddResource(paths, r);
        }

        var o = new JsonObject();
        foreach (var (path, item) in paths)
        {
            o[path] = item;
        }

        return o;
    }

    private void AddResource(SortedDictionary<string, JsonObject> paths, ResourceInfo r)
    {
        var model = ModelName(r);
        writer.DefineKind(model, r.Schema ?? TypeSchema.Any(), r.Group, r.Version, r.Kind);
        var listModel = r.IsCustom || r.Schema?.ModelName is null ? model + "List" : r.Schema.ModelName + "List";
        if (!r.IsCustom && BuiltinSchemas.Kinds.FirstOrDefault(k => k.Group == r.Group && k.Version == r.Version && k.Kind == r.ListKind) is { } list)
        {
            writer.DefineKind(list.ModelType.Name, BuiltinSchemas.ForType(list.ModelType), r.Group, r.Version, r.ListKind);
            listModel = list.ModelType.Name;
        }
        else
        {
            writer.DefineList(listModel, model);
            writer.DefineKind(listModel, new TypeSchema { Type = SchemaType.Object }, r.Group, r.Version, r.ListKind);
        }

        writer.DefineModel(typeof(V1Status));
        writer.DefineModel(typeof(V1DeleteOptions));
        writer.DefineModel(typeof(V1WatchEvent));
        if (!writer.Definitions.ContainsKey(OpenApiSchemaWriter.PatchName))
        {
            writer.Definitions[OpenApiSchemaWriter.PatchName] = new JsonObject { ["description"] = "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.", ["type"] = "object" };
        }

        var prefix = r.Group.Length == 0 ? $"/api/{r.Version}" : $"/apis/{r.Group}/{r.Version}";
        var collection = r.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{r.Plural}" : $"{prefix}/{r.Plural}";
        var item = collection + "/{name}";
        var gvk = Gvk(r.Group, r.Version, r.Kind);
        var names = new OperationNames(r);
        var verbs = new HashSet<string>(r.Verbs, StringComparer.Ordinal);
        var smp = !r.IsCustom;

        var collectionOps = new JsonObject();
        if (verbs.Contains("list"))
        {
            collectionOps["get"] = Operation(names.Id("list", "Namespaced"), "list", gvk, ListParameters, null, Responses(listModel, false));
        }

        if (verbs.Contains("create"))
        {
            collectionOps["post"] = Operation(names.Id("create", "Namespaced"), "post", gvk, WriteParameters, model, Responses(model, true, 202));
        }

        if (verbs.Contains("deletecollection"))
        {
            collectionOps["delete"] = Operation(names.Id("deleteCollection", "Namespaced"), "deletecollection", gvk, [.. DeleteParameters, .. ListParameters], nameof(V1DeleteOptions), Responses(nameof(V1Status), false));
        }

        AddPath(paths, collection, collectionOps, r.Namespaced, named: false);

        var itemOps = ItemOperations(names, gvk, model, verbs, smp, string.Empty);
        if (verbs.Contains("delete"))
        {
            itemOps["delete"] = Operation(names.Id("delete", "Namespaced"), "delete", gvk, DeleteParameters, nameof(V1DeleteOptions), Responses(nameof(V1Status), false, 202));
        }

        AddPath(paths, item, itemOps, r.Namespaced, named: true);

        if (r.Namespaced && verbs.Contains("list"))
        {
            var all = new JsonObject { ["get"] = Operation(names.Id("list", "ForAllNamespaces"), "list", gvk, ListParameters, null, Responses(listModel, false)) };
            AddPath(paths, $"{prefix}/{r.Plural}", all, namespaced: false, named: false);
        }

        if (r.HasStatus)
        {
            AddPath(paths, item + "/status", ItemOperations(names, gvk, model, verbs, smp, "Status"), r.Namespaced, named: true);
        }

        if (r.Scale is not null)
        {
            writer.DefineKind(nameof(V1Scale), BuiltinSchemas.ForType(typeof(V1Scale)), "autoscaling", "v1", "Scale");
            var scaleGvk = Gvk("autoscaling", "v1", "Scale");
            AddPath(paths, item + "/scale", ItemOperations(names, scaleGvk, nameof(V1Scale), verbs, smp: true, "Scale"), r.Namespaced, named: true);
        }
    }

    private JsonObject ItemOperations(OperationNames names, JsonObject gvk, string model, HashSet<string> verbs, bool smp, string suffix)
    {
        var ops = new JsonObject();
        if (verbs.Contains("get"))
        {
            ops["get"] = Operation(names.Id("read", "Namespaced", suffix), "get", gvk, [], null, Responses(model, false));
        }

        if (verbs.Contains("update"))
        {
            ops["put"] = Operation(names.Id("replace", "Namespaced", suffix), "put", gvk, WriteParameters, model, Responses(model, true));
        }

        if (verbs.Contains("patch"))
        {
            ops["patch"] = Operation(names.Id("patch", "Namespaced", suffix), "patch", gvk, [.. WriteParameters, "force"], OpenApiSchemaWriter.PatchName, Responses(model, true), smp ? PatchTypesBuiltin : PatchTypesCustom);
        }

        return ops;
    }

    private void AddPath(SortedDictionary<string, JsonObject> paths, string path, JsonObject ops, bool namespaced, bool named)
    {
        if (ops.Count == 0)
        {
            return;
        }

        var parameters = new JsonArray();
        if (named)
        {
            parameters.Add(Parameter("name", "path", "name of the resource", required: true));
        }

        if (namespaced)
        {
            parameters.Add(Parameter("namespace", "path", "object name and auth scope, such as for teams and projects", required: true));
        }

        parameters.Add(Parameter("pretty", "query", "If 'true', then the output is pretty printed."));
        var item = new JsonObject();
        foreach (var (method, op) in ops.ToList())
        {
            ops.Remove(method);
            item[method] = op;
        }

        item["parameters"] = parameters;
        paths[path] = item;
    }

    private JsonObject Operation(string id, string action, JsonObject gvk, IEnumerable<string> query, string? bodyModel, JsonObject responses, string[]? patchTypes = null)
    {
        var parameters = new JsonArray();
        foreach (var name in query.Order(StringComparer.Ordinal))
        {
            parameters.Add(Parameter(name, "query", ParameterDescriptions.Get(name), type: ParameterDescriptions.TypeOf(name)));
        }

        var op = new JsonObject
        {
            ["description"] = $"{action} the specified resource",
            ["operationId"] = id,
        };

        var contentTypes = patchTypes ?? ["*/*"];
        if (bodyModel is not null)
        {
            if (v3)
            {
                var content = new JsonObject();
                foreach (var type in contentTypes)
                {
                    content[type] = new JsonObject { ["schema"] = writer.Ref(bodyModel) };
                }

                op["requestBody"] = new JsonObject { ["content"] = content, ["required"] = action != "delete" && action != "deletecollection" };
            }
            else
            {
                parameters.Insert(0, new JsonObject { ["in"] = "body", ["name"] = "body", ["required"] = action != "delete" && action != "deletecollection", ["schema"] = writer.Ref(bodyModel) });
                op["consumes"] = new JsonArray(contentTypes.Select(t => (JsonNode?)t).ToArray());
            }
        }

        op["parameters"] = parameters;
        if (!v3)
        {
            op["produces"] = new JsonArray("application/json", "application/yaml", "application/vnd.kubernetes.protobuf");
            op["schemes"] = new JsonArray("https");
        }

        op["responses"] = responses;
        op["tags"] = new JsonArray(gvk["group"]!.GetValue<string>() is { Length: > 0 } g ? $"{g}_{gvk["version"]}" : $"core_{gvk["version"]}");
        op["x-kubernetes-action"] = action;
        op["x-kubernetes-group-version-kind"] = gvk.DeepClone();
        return op;
    }

    private JsonObject Responses(string model, bool created, int? accepted = null)
    {
        var o = new JsonObject { ["200"] = Response("OK", model) };
        if (created)
        {
            o["201"] = Response("Created", model);
        }

        if (accepted is { } code)
        {
            o[code.ToString(CultureInfo.InvariantCulture)] = Response("Accepted", model);
        }

        o["401"] = new JsonObject { ["description"] = "Unauthorized" };
        return o;
    }

    private JsonObject Response(string description, string model)
    {
        if (!v3)
        {
            return new JsonObject { ["description"] = description, ["schema"] = writer.Ref(model) };
        }

        var content = new JsonObject();
        foreach (var type in new[] { "application/json", "application/yaml", "application/vnd.kubernetes.protobuf" })
        {
            content[type] = new JsonObject { ["schema"] = writer.Ref(model) };
        }

        return new JsonObject { ["content"] = content, ["description"] = description };
    }

    private JsonObject Parameter(string name, string location, string description, bool required = false, string type = "string")
    {
        var o = new JsonObject { ["description"] = description, ["in"] = location, ["name"] = name };
        if (required)
        {
            o["required"] = true;
        }

        if (v3)
        {
            o["schema"] = new JsonObject { ["type"] = type, ["uniqueItems"] = true };
        }
        else
        {
            o["type"] = type;
            o["uniqueItems"] = true;
        }

        return o;
    }

    private static JsonObject Gvk(string group, string version, string kind) =>
        new() { ["group"] = group, ["kind"] = kind, ["version"] = version };

    /// <summary>Built-in kinds use their model name; custom kinds the reversed-group name the apiserver uses (io.fluxcd.toolkit.source.v1.GitRepository).</summary>
    internal static string ModelName(ResourceInfo r)
    {
        if (!r.IsCustom && r.Schema?.ModelName is { } model)
        {
            return model;
        }

        var reversed = string.Join('.', r.Group.Split('.').Reverse());
        return reversed.Length == 0 ? $"{r.Version}.{r.Kind}" : $"{reversed}.{r.Version}.{r.Kind}";
    }

    /// <summary>operationIds in the apiserver's style, e.g. patchAppsV1NamespacedDeploymentStatus.</summary>
    private sealed class OperationNames(ResourceInfo r)
    {
        private readonly string prefix = GroupPart(r.Group) + Upper(r.Version);

        public string Id(string verb, string scope, string suffix = "")
        {
            var s = scope == "Namespaced" && !r.Namespaced ? string.Empty : scope;
            return scope == "ForAllNamespaces"
                ? $"{verb}{prefix}{r.Kind}{s}"
                : $"{verb}{prefix}{s}{r.Kind}{suffix}";
        }

        private static string GroupPart(string group)
        {
            if (group.Length == 0)
            {
                return "Core";
            }

            var trimmed = group.EndsWith(".k8s.io", StringComparison.Ordinal) ? group[..^".k8s.io".Length] : group;
            return string.Concat(trimmed.Split('.', '-').Select(Upper));
        }

        private static string Upper(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
    }
}

/// <summary>Descriptions of the standard query parameters, abridged from the apiserver's.</summary>
internal static class ParameterDescriptions
{
    public static string TypeOf(string name) => name switch
    {
        "allowWatchBookmarks" or "watch" or "sendInitialEvents" or "orphanDependents" or "force" or "ignoreStoreReadErrorWithClusterBreakingPotential" => "boolean",
        "limit" or "timeoutSeconds" or "gracePeriodSeconds" => "integer",
        _ => "string",
    };

    public static string Get(string name) => name switch
    {
        "dryRun" => "When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed",
        "fieldManager" => "fieldManager is a name associated with the actor or entity that is making these changes. The value must be less than or 128 characters long, and only contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint.",
        "fieldValidation" => "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any unknown fields that are silently dropped from the object, and will ignore all but the last duplicate field that the decoder encounters. - Warn: This will send a warning via the standard warning response header for each unknown field that is dropped from the object, and for each duplicate field that is encountered. The request will still succeed if there are no other errors, and will only persist the last of any duplicate fields. This is the default in v1.23+ - Strict: This will fail the request with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present. The error returned from the server will contain all unknown and duplicate fields encountered.",
        "force" => "Force is going to \"force\" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests.",
        "gracePeriodSeconds" => "The duration in seconds before the object should be deleted. Value must be non-negative integer. The value zero indicates delete immediately.",
        "orphanDependents" => "Deprecated: please use the PropagationPolicy, this field will be deprecated in 1.7.",
        "propagationPolicy" => "Whether and how garbage collection will be performed. Acceptable values are: 'Orphan', 'Background', 'Foreground'.",
        "labelSelector" => "A selector to restrict the list of returned objects by their labels. Defaults to everything.",
        "fieldSelector" => "A selector to restrict the list of returned objects by their fields. Defaults to everything.",
        "limit" => "limit is a maximum number of responses to return for a list call.",
        "continue" => "The continue option should be set when retrieving more results from the server.",
        "resourceVersion" => "resourceVersion sets a constraint on what resource versions a request may be served from.",
        "resourceVersionMatch" => "resourceVersionMatch determines how resourceVersion is applied to list calls.",
        "watch" => "Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.",
        "allowWatchBookmarks" => "allowWatchBookmarks requests watch events with type \"BOOKMARK\".",
        "sendInitialEvents" => "`sendInitialEvents=true` may be set together with `watch=true`; the stream begins with synthetic events for the current state.",
        "timeoutSeconds" => "Timeout for the list/watch call.",
        "ignoreStoreReadErrorWithClusterBreakingPotential" => "if set to true, it will trigger an unsafe deletion of the resource in case the normal deletion flow fails with a corrupt object error.",
        _ => name,
    };
}
