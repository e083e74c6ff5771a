using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Api;
using FluxSharp.LocalCluster.Objects;
using FluxSharp.LocalCluster.Resources;
using Microsoft.AspNetCore.Http;

namespace FluxSharp.LocalCluster.Http;

// Reading request bodies: size limit, JSON or YAML, patch types, DeleteOptions.
internal sealed partial class ApiHandler
{
    private static async Task<string> ReadBodyAsync(HttpContext http)
    {
        var bytes = await ReadBodyBytesAsync(http);
        return Encoding.UTF8.GetString(bytes);
    }

    private static async Task<byte[]> ReadBodyBytesAsync(HttpContext http)
    {
        if (http.Request.ContentLength > MaxBodyBytes)
        {
            throw TooLarge();
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
        {
            if (buffer.Length + n > MaxBodyBytes)
            {
                throw TooLarge();
            }

            buffer.Write(chunk, 0, n);
        }

        return buffer.ToArray();
    }

    private static ApiException TooLarge() =>
        new(HttpStatusCode.RequestEntityTooLarge, "RequestEntityTooLarge", $"Request entity too large: limit is {MaxBodyBytes}");

    /// <summary>The media types a create or update body may have; others get 415 as from kube-apiserver.</summary>
    private static readonly string[] BodyMediaTypes = ["application/json", "application/yaml", Protobuf.KubernetesProtobuf.MediaType];

    private static async Task<JsonNode> ReadNodeAsync(HttpContext http, RequestContext ctx, ResourceInfo r)
    {
        // No Content-Type is JSON, as kube-apiserver negotiates it.
        var contentType = string.IsNullOrWhiteSpace(http.Request.ContentType) ? "application/json" : http.Request.ContentType;
        var mediaType = contentType.Split(';')[0].Trim().ToLowerInvariant();
        if (!BodyMediaTypes.Contains(mediaType))
        {
            throw ApiException.UnsupportedMediaType($"the body of the request was in an unknown format - accepted media types include: {string.Join(", ", BodyMediaTypes)}");
        }

        if (mediaType == Protobuf.KubernetesProtobuf.MediaType)
        {
            // kubectl's typed clients (create configmap/namespace/secret...) send built-in kinds as protobuf.
            return Protobuf.KubernetesProtobuf.Decode(await ReadBodyBytesAsync(http));
        }

        var text = await ReadBodyAsync(http);
        if (text.Trim().Length == 0)
        {
            throw ApiException.BadRequest("the request body is empty");
        }

        try
        {
            if (mediaType == "application/yaml" && !LooksLikeJson(text))
            {
                var yamlDuplicates = new List<(int Line, string Key)>();
                var yaml = Seams.ParseYaml(text, yamlDuplicates);
                CheckYamlDuplicates(ctx, r, yamlDuplicates);
                return yaml ?? throw ApiException.BadRequest("the request body is null");
            }

            var (node, duplicates) = JsonBody.Parse(text);
            CheckDuplicates(ctx, r, duplicates);
            return node ?? throw ApiException.BadRequest("the request body is null");
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest("the body of the request could not be decoded: " + e.Message);
        }
    }

    /// <summary>
    /// A key given twice (the last one wins): a warning by default, 400 with fieldValidation=Strict, as
    /// kube-apiserver's strict decoding reports it ("duplicate field \"spec.paused\"").
    /// </summary>
    private static void CheckDuplicates(RequestContext ctx, ResourceInfo r, List<string> duplicates)
    {
        if (duplicates.Count == 0 || ctx.FieldValidation == FieldValidation.Ignore)
        {
            return;
        }

        var errors = duplicates.Select(d => $"duplicate field \"{d}\"").ToList();
        if (ctx.FieldValidation == FieldValidation.Strict)
        {
            throw ApiException.BadRequest($"{r.Kind} in version \"{r.Version}\" cannot be handled as a {r.Kind}: strict decoding error: {string.Join(", ", errors)}");
        }

        ctx.Warnings.AddRange(errors);
    }

    /// <summary>
    /// The same for YAML, in go-yaml's words: a warning "line N: key \"k\" already set in map" each, or under Strict
    /// one 400 listing them as "yaml: unmarshal errors:".
    /// </summary>
    private static void CheckYamlDuplicates(RequestContext ctx, ResourceInfo r, List<(int Line, string Key)> duplicates)
    {
        if (duplicates.Count == 0 || ctx.FieldValidation == FieldValidation.Ignore)
        {
            return;
        }

        var errors = duplicates.Select(d => $"line {d.Line}: key \"{d.Key}\" already set in map").ToList();
        if (ctx.FieldValidation == FieldValidation.Strict)
        {
            throw ApiException.BadRequest($"{r.Kind} in version \"{r.Version}\" cannot be handled as a {r.Kind}: strict decoding error: yaml: unmarshal errors:\n  {string.Join("\n  ", errors)}");
        }

        ctx.Warnings.AddRange(errors);
    }

    private static bool LooksLikeJson(string text)
    {
        var t = text.TrimStart();
        return t.StartsWith('{') || t.StartsWith('[');
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpContext http, RequestContext ctx, ResourceInfo r)
    {
        var node = await ReadNodeAsync(http, ctx, r);
        if (node is not JsonObject obj)
        {
            throw ApiException.BadRequest("the body of the request must be a JSON object");
        }

        if (Obj.Str(obj, "kind") is null && obj.ContainsKey("kind"))
        {
            throw ApiException.BadRequest("kind must be a string");
        }

        return obj;
    }

    private static async Task<(PatchType, JsonNode)> ReadPatchAsync(HttpContext http, RequestContext ctx, ResourceInfo r)
    {
        var contentType = (http.Request.ContentType ?? string.Empty).Split(';')[0].Trim();
        var type = contentType switch
        {
            "application/json-patch+json" => PatchType.Json,
            "application/merge-patch+json" => PatchType.Merge,
            "application/strategic-merge-patch+json" => PatchType.StrategicMerge,
            "application/apply-patch+yaml" => PatchType.Apply,
            _ => throw ApiException.UnsupportedMediaType($"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json"),
        };
        var text = await ReadBodyAsync(http);
        try
        {
            if (type == PatchType.Apply && !LooksLikeJson(text))
            {
                var yamlDuplicates = new List<(int Line, string Key)>();
                var yaml = Seams.ParseYaml(text, yamlDuplicates);
                CheckYamlDuplicates(ctx, r, yamlDuplicates);
                return (type, yaml ?? throw ApiException.BadRequest("the patch is null"));
            }

            var (node, duplicates) = JsonBody.Parse(text);
            CheckDuplicates(ctx, r, duplicates);
            return (type, node ?? throw ApiException.BadRequest("the patch is null"));
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest("error decoding patch: " + e.Message);
        }
    }

    private static async Task<DeleteOptions> ReadDeleteOptionsAsync(HttpContext http)
    {
        var q = http.Request.Query;
        JsonObject? body = null;
        if (http.Request.ContentLength is > 0 || http.Request.Headers.TransferEncoding.Count > 0)
        {
            var text = await ReadBodyAsync(http);
            if (text.Trim().Length > 0)
            {
                try
                {
                    body = JsonNode.Parse(text) as JsonObject;
                }
                catch (JsonException e)
                {
                    throw ApiException.BadRequest("the DeleteOptions could not be decoded: " + e.Message);
                }
            }
        }

        var policyText = Obj.Str(body, "propagationPolicy") ?? q["propagationPolicy"].ToString();
        PropagationPolicy? policy = policyText switch
        {
            "" => Obj.At(body, "orphanDependents") is JsonValue ov && ov.TryGetValue<bool>(out var orphan) && orphan ? PropagationPolicy.Orphan : null,
            "Background" => PropagationPolicy.Background,
            "Foreground" => PropagationPolicy.Foreground,
            "Orphan" => PropagationPolicy.Orphan,
            var other => throw ApiException.BadRequest($"propagationPolicy: Unsupported value: \"{other}\": supported values: \"Foreground\", \"Background\", \"Orphan\""),
        };
        // kubectl delete --dry-run=server sends dryRun in the DeleteOptions body rather than the query.
        var dryRun = false;
        foreach (var value in (Obj.At(body, "dryRun") as JsonArray ?? []).Select(v => v?.ToString()))
        {
            dryRun = value == "All" ? true : throw ApiException.BadRequest($"dryRun: Unsupported value: \"{value}\": supported values: \"All\"");
        }

        return new DeleteOptions(policy, Obj.Str(body, "preconditions", "uid"), Obj.Str(body, "preconditions", "resourceVersion"), dryRun);
    }
}
