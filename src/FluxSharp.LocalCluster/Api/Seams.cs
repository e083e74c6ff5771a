using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Apply;
using FluxSharp.LocalCluster.Resources;
using FluxSharp.LocalCluster.Schema;

namespace FluxSharp.LocalCluster.Api;

/// <summary>
/// The request pipeline's calls into the schema, patch and apply engines, in one place so the pipeline
/// reads as steps and each engine stays a pure library.
/// </summary>
internal static class Seams
{
    public static TypeSchema? BuiltinSchema(string group, string version, string kind) => BuiltinSchemas.ForKind(group, version, kind);

    public static TypeSchema CrdSchema(JsonObject openApiV3Schema) => CrdSchemas.FromOpenApiV3(openApiV3Schema);

    public static IReadOnlyList<string> UnknownFields(JsonObject obj, ResourceInfo resource) =>
        resource.Schema is { } schema ? Schema.UnknownFields.Find(obj, schema) : [];

    public static string StrictDecodingError(ResourceInfo resource, IReadOnlyList<string> unknown) =>
        Schema.UnknownFields.StrictErrorMessage(resource.Kind, resource.Version, unknown);

    /// <summary>Drops fields the schema doesn't know, as decoding into the real server's types (or CRD structural pruning) does.</summary>
    public static void Prune(JsonObject obj, ResourceInfo resource)
    {
        if (resource.Schema is { } schema)
        {
            SchemaPruner.Prune(obj, schema);
        }
    }

    public static void Default(JsonObject obj, ResourceInfo resource)
    {
        if (resource.IsCustom && resource.Schema is { } schema)
        {
            SchemaDefaulter.ApplyDefaults(obj, schema);
        }
    }

    /// <summary>OpenAPI v3 validation of custom resources (built-in kinds are checked by their own rules).</summary>
    public static IReadOnlyList<StatusCause> Validate(JsonObject obj, ResourceInfo resource) =>
        resource.IsCustom && resource.Schema is { } schema ? SchemaValidator.Validate(obj, schema) : [];

    public static IReadOnlyList<StatusCause> ValidateMetadata(JsonObject obj, ResourceInfo resource, bool allowGenerateName)
    {
        var rule = (resource.Group, resource.Kind) switch
        {
            ("", "Namespace" or "Service") => NameRule.Label,
            ("rbac.authorization.k8s.io", _) => NameRule.PathSegment,
            _ => NameRule.Subdomain,
        };
        return ObjectMetaValidation.Validate(obj, resource.Namespaced, allowGenerateName, rule);
    }

    public static JsonNode JsonPatch(JsonNode target, JsonNode patch) => Patching.JsonPatch.Apply(target, patch);

    public static JsonNode MergePatch(JsonNode target, JsonNode patch) =>
        Patching.MergePatch.Apply(target, patch) ?? throw ApiException.BadRequest("the merge patch deleted the whole object");

    public static JsonNode StrategicMergePatch(JsonNode target, JsonNode patch, ResourceInfo resource) =>
        Patching.StrategicMergePatch.Apply(target, patch, resource.Schema);

    public static JsonObject ServerSideApply(JsonObject? live, JsonObject config, ResourceInfo resource, string manager, bool force, string? subresource, DateTimeOffset now) =>
        Apply.ServerSideApply.Apply(live, config, new ApplyRequest(manager, force, resource.ApiVersion, resource.Schema ?? TypeSchema.Any(), now, subresource));

    public static void TrackUpdate(JsonObject? live, JsonObject updated, ResourceInfo resource, string manager, string? subresource, DateTimeOffset now) =>
        ManagedFieldsTracker.TrackUpdate(live, updated, new UpdateRequest(manager, resource.ApiVersion, resource.Schema ?? TypeSchema.Any(), now, subresource));

    /// <summary>A meta.k8s.io/v1 Table for kubectl get; null when tables are not available (kubectl then prints on its own).</summary>
    public static JsonObject? Table(ResourceInfo resource, IReadOnlyList<JsonObject> objects, string? includeObject, string? resourceVersion, string? continueToken, DateTimeOffset now) =>
        Tables.TableBuilder.Build(resource, objects, includeObject, resourceVersion, continueToken, now);

    public static string OpenApiV3Root(IReadOnlyList<ResourceInfo> resources, string cacheKey) => OpenApiDocuments.V3RootJson(resources, cacheKey);

    public static string? OpenApiV3GroupVersion(IReadOnlyList<ResourceInfo> resources, string groupVersionPath, string cacheKey) =>
        OpenApiDocuments.V3GroupVersionJson(resources, groupVersionPath, cacheKey);

    public static string OpenApiV2(IReadOnlyList<ResourceInfo> resources, string cacheKey) => OpenApiDocuments.V2Json(resources, cacheKey);

    /// <summary>The v2 document as protobuf, re-encoded only when the resources change.</summary>
    public static byte[] OpenApiV2Protobuf(string v2Json, string cacheKey)
    {
        var cached = v2ProtobufCache;
        if (cached is not null && cached.Key == cacheKey && ReferenceEquals(cached.Json, v2Json))
        {
            return cached.Bytes;
        }

        var bytes = Schema.OpenApiV2Protobuf.Encode(v2Json);
        v2ProtobufCache = new V2ProtobufEntry(cacheKey, v2Json, bytes);
        return bytes;
    }

    public static JsonNode? ParseYaml(string yaml) => ParseYaml(yaml, []);

    /// <summary>The YAML body, with the keys given twice in a mapping (line and name) added to <paramref name="duplicates"/>.</summary>
    public static JsonNode? ParseYaml(string yaml, List<(int Line, string Key)> duplicates)
    {
        try
        {
            return Formats.YamlJson.Parse(yaml, duplicates);
        }
        catch (Formats.YamlSyntaxException e)
        {
            throw ApiException.BadRequest($"error converting YAML to JSON: yaml: line {e.Line}: {e.Message}");
        }
    }

    private static V2ProtobufEntry? v2ProtobufCache;

    private sealed record V2ProtobufEntry(string Key, string Json, byte[] Bytes);
}
