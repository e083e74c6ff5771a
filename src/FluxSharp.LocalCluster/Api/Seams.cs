using System.Net;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Resources;
using FluxSharp.LocalCluster.Schema;

namespace FluxSharp.LocalCluster.Api;

/// <summary>
/// The request pipeline's calls into the schema, patch and apply engines, in one place so the pipeline
/// reads as steps and each engine stays a pure library.
/// </summary>
internal static class Seams
{
    public static TypeSchema? BuiltinSchema(string group, string version, string kind) => null;

    public static TypeSchema CrdSchema(JsonObject openApiV3Schema) => TypeSchema.Any();

    public static IReadOnlyList<string> UnknownFields(JsonObject obj, ResourceInfo resource) => [];

    public static void Prune(JsonObject obj, ResourceInfo resource)
    {
    }

    public static void Default(JsonObject obj, ResourceInfo resource)
    {
    }

    public static IReadOnlyList<StatusCause> Validate(JsonObject obj, ResourceInfo resource) => [];

    public static IReadOnlyList<StatusCause> ValidateMetadata(JsonObject obj, ResourceInfo resource, bool allowGenerateName) => [];

    public static JsonNode JsonPatch(JsonNode target, JsonNode patch) => Patching.JsonPatch.Apply(target, patch);

    public static JsonNode MergePatch(JsonNode target, JsonNode patch) =>
        Patching.MergePatch.Apply(target, patch) ?? throw ApiException.BadRequest("the merge patch deleted the whole object");

    public static JsonNode StrategicMergePatch(JsonNode target, JsonNode patch, ResourceInfo resource) =>
        Patching.StrategicMergePatch.Apply(target, patch, resource.Schema);

    public static JsonObject ServerSideApply(JsonObject? live, JsonObject config, ResourceInfo resource, string manager, bool force, string? subresource, DateTimeOffset now) =>
        throw NotYet("server-side apply");

    public static void TrackUpdate(JsonObject? live, JsonObject updated, ResourceInfo resource, string manager, string? subresource, DateTimeOffset now)
    {
    }

    /// <summary>A meta.k8s.io/v1 Table for kubectl get; null when tables are not available (kubectl then prints on its own).</summary>
    public static JsonObject? Table(ResourceInfo resource, IReadOnlyList<JsonObject> objects, string? includeObject, string? resourceVersion, string? continueToken, DateTimeOffset now) =>
        Tables.TableBuilder.Build(resource, objects, includeObject, resourceVersion, continueToken, now);

    public static JsonObject? OpenApiV3Root(IReadOnlyList<ResourceInfo> resources, string hash) => null;

    public static JsonObject? OpenApiV3GroupVersion(IReadOnlyList<ResourceInfo> resources, string groupVersionPath) => null;

    public static JsonObject? OpenApiV2(IReadOnlyList<ResourceInfo> resources) => null;

    public static JsonNode? ParseYaml(string yaml) => throw ApiException.UnsupportedMediaType("YAML bodies are not supported yet");

    private static ApiException NotYet(string what) => new(HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType", what + " is not supported yet");
}
