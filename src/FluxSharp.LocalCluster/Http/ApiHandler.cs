using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Api;
using FluxSharp.LocalCluster.Objects;
using FluxSharp.LocalCluster.Resources;
using FluxSharp.LocalCluster.Selectors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FluxSharp.LocalCluster.Http;

/// <summary>
/// Maps HTTP requests onto discovery, OpenAPI and the resource verbs; turns ApiExceptions into metav1.Status.
/// One entry point so that every request gets the same error handling, limits and impersonation.
/// </summary>
internal sealed partial class ApiHandler
{
    /// <summary>The real API server's request body limit (3 MiB).</summary>
    public const long MaxBodyBytes = 3 * 1024 * 1024;

    private readonly ResourceService _service;
    private readonly WatchStreamer _watches;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly StoreRbacSource _rbac;

    public ApiHandler(ResourceService service, WatchStreamer watches, TimeProvider time, ILogger logger)
    {
        _service = service;
        _rbac = new StoreRbacSource(service.Store);
        _watches = watches;
        _time = time;
        _logger = logger;
    }

    /// <summary>Serves `pods/{name}/log` from the sources registered for in-process pods.</summary>
    public PodLogServer PodLogs { get; init; } = new(new PodLogSources(), CancellationToken.None);

    private ResourceRegistry Registry => _service.Registry;

    public async Task HandleAsync(HttpContext http)
    {
        try
        {
            await DispatchAsync(http);
        }
        catch (ApiException e)
        {
            await WriteStatusAsync(http, e);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
#pragma warning disable CA1031 // The server must answer every request and never crash on one.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogInternalError(_logger, http.Request.Method, http.Request.Path, e);
            await WriteStatusAsync(http, new ApiException(HttpStatusCode.InternalServerError, "InternalError", "Internal error occurred: " + e.Message));
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "internal error serving {Method} {Path}")]
    private static partial void LogInternalError(ILogger logger, string method, string path, Exception e);

    private async Task DispatchAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "/";
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var method = http.Request.Method;
        var ctx = BuildContext(http);
        var resourceRequest = segments is ["api", _, _, ..] or ["apis", _, _, _, ..];
        if (ctx.User is { } user && !resourceRequest)
        {
            // Discovery, OpenAPI and other non-resource paths are authorized by path.
            Authorization.RbacAuthorizer.EnsureAllowed(user, Authorization.RequestAttributes.ForPath(method == "GET" ? "get" : method.ToLowerInvariant(), path), _rbac);
        }

        if (segments.Length == 0)
        {
            await WriteJsonAsync(http, new JsonObject { ["paths"] = new JsonArray("/api", "/api/v1", "/apis", "/healthz", "/livez", "/openapi/v2", "/openapi/v3", "/readyz", "/version") });
            return;
        }

        switch (segments[0])
        {
            case "version" when segments.Length == 1:
                await WriteJsonAsync(http, Discovery.Version());
                return;
            case "healthz" or "livez" or "readyz":
                http.Response.ContentType = "text/plain; charset=utf-8";
                await http.Response.WriteAsync("ok", http.RequestAborted);
                return;
            case "openapi":
                await ServeOpenApiAsync(http, segments);
                return;
            case "api":
                if (segments.Length == 1)
                {
                    await WriteDiscoveryAsync(http, core: true);
                    return;
                }

                if (segments.Length == 2)
                {
                    await WriteJsonAsync(http, Discovery.ResourceList(Registry, string.Empty, segments[1]) ?? throw PathNotFound());
                    return;
                }

                await ServeResourceAsync(http, ctx, ApiRequest.Parse(Registry, string.Empty, segments[1], segments.AsSpan(2)) ?? throw PathNotFound());
                return;
            case "apis":
                if (segments.Length == 1)
                {
                    await WriteDiscoveryAsync(http, core: false);
                    return;
                }

                if (segments.Length == 2)
                {
                    await WriteJsonAsync(http, Discovery.GroupDocument(Registry, segments[1]) ?? throw PathNotFound());
                    return;
                }

                if (segments.Length == 3)
                {
                    await WriteJsonAsync(http, Discovery.ResourceList(Registry, segments[1], segments[2]) ?? throw PathNotFound());
                    return;
                }

                await ServeResourceAsync(http, ctx, ApiRequest.Parse(Registry, segments[1], segments[2], segments.AsSpan(3)) ?? throw PathNotFound());
                return;
            default:
                if (method is not ("GET" or "HEAD"))
                {
                    throw ApiException.MethodNotAllowed($"the server does not allow this method on the requested resource");
                }

                throw PathNotFound();
        }
    }

    private async Task ServeResourceAsync(HttpContext http, RequestContext ctx, ApiRequest req)
    {
        var r = req.Resource;
        var q = http.Request.Query;
        var method = http.Request.Method;
        var watch = req.LegacyWatchPath || q["watch"] is var w && (w == "true" || w == "1");
        var verb = (method, req.Name is null) switch
        {
            ("GET", true) => watch ? "watch" : "list",
            ("GET", false) => watch ? "watch" : "get",
            ("POST", true) => "create",
            ("PUT", false) => "update",
            ("PATCH", false) => "patch",
            ("DELETE", false) => "delete",
            ("DELETE", true) => "deletecollection",
            _ => throw ApiException.MethodNotAllowed($"the server does not allow this method on the requested resource"),
        };

        if (r.Namespaced && req.Namespace is null && verb is "create" or "update" or "patch" or "delete" or "deletecollection" or "get")
        {
            throw PathNotFound();
        }

        if (!r.Verbs.Contains(verb) && req.Subresource is null)
        {
            throw ApiException.MethodNotAllowed($"the server does not allow this method on the requested resource");
        }

        if (ctx.User is { } user)
        {
            var attrs = new Authorization.RequestAttributes(verb, r.Group, r.Plural, req.Subresource, req.Namespace, req.Name, null);
            Authorization.RbacAuthorizer.EnsureAllowed(user, attrs, _rbac);
        }

        if (req.Subresource == "log")
        {
            await PodLogs.ServeAsync(http, verb, _service.Get(r, req.Namespace, req.Name!));
            return;
        }

        if (req.Subresource == "scale")
        {
            await ServeScaleAsync(http, ctx, req, verb);
            return;
        }

        switch (verb)
        {
            case "get":
                await WriteObjectOrTableAsync(http, _service.Get(r, req.Namespace, req.Name!), r);
                return;
            case "list":
            {
                var limit = int.TryParse(q["limit"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : (int?)null;
                var list = _service.List(r, req.Namespace, LabelSelector.Parse(q["labelSelector"]), FieldSelector.Parse(q["fieldSelector"]), limit, q["continue"]);
                if (WantsTable(http))
                {
                    var items = ((JsonArray)list["items"]!).Select(i => (JsonObject)i!).ToList();
                    var table = Seams.Table(r, items, q["includeObject"], Obj.Str(list, "metadata", "resourceVersion"), Obj.Str(list, "metadata", "continue"), _time.GetUtcNow());
                    if (table is not null)
                    {
                        await WriteJsonAsync(http, table);
                        return;
                    }
                }

                await WriteJsonAsync(http, list);
                return;
            }

            case "watch":
                await _watches.StreamAsync(http, r, req.Namespace, req.Name, WantsTable(http));
                return;
            case "create" when ReviewEndpoints.Handles(r):
            {
                var body = await ReadObjectAsync(http);
                await WriteJsonAsync(http, ReviewEndpoints.Answer(r, req.Namespace, body, ctx.User, _rbac), ctx, HttpStatusCode.Created);
                return;
            }

            case "create":
            {
                var body = await ReadObjectAsync(http);
                var created = _service.Create(r, req.Namespace, body, ctx);
                await WriteJsonAsync(http, created, ctx, ctx.DryRun ? HttpStatusCode.OK : HttpStatusCode.Created);
                return;
            }

            case "update":
            {
                var body = await ReadObjectAsync(http);
                if (req.Subresource == "finalize")
                {
                    // Namespaces: /finalize changes spec.finalizers only.
                    var live = _service.Get(r, null, req.Name!);
                    var updatedNs = Obj.Clone(live);
                    var spec = updatedNs["spec"] as JsonObject ?? new JsonObject();
                    updatedNs["spec"] = spec;
                    spec["finalizers"] = Obj.At(body, "spec", "finalizers")?.DeepClone();
                    body = updatedNs;
                }

                await WriteJsonAsync(http, _service.Update(r, req.Namespace, req.Name!, body, ctx, req.Subresource == "finalize" ? null : req.Subresource), ctx);
                return;
            }

            case "patch":
            {
                var (type, patch) = await ReadPatchAsync(http);
                if (type == PatchType.Apply && string.IsNullOrEmpty(q["fieldManager"]))
                {
                    throw ApiException.BadRequest("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
                }

                var force = q["force"] == "true";
                var result = _service.Patch(r, req.Namespace, req.Name!, type, patch, ctx, req.Subresource, force);
                await WriteJsonAsync(http, result, ctx);
                return;
            }

            case "delete":
            {
                var options = await ReadDeleteOptionsAsync(http);
                var (body, code) = _service.Delete(r, req.Namespace, req.Name!, options, ctx);
                await WriteJsonAsync(http, body, ctx, code);
                return;
            }

            case "deletecollection":
            {
                var options = await ReadDeleteOptionsAsync(http);
                var result = _service.DeleteCollection(r, req.Namespace, LabelSelector.Parse(q["labelSelector"]), FieldSelector.Parse(q["fieldSelector"]), options, ctx);
                await WriteJsonAsync(http, result, ctx);
                return;
            }
        }
    }

    private async Task ServeScaleAsync(HttpContext http, RequestContext ctx, ApiRequest req, string verb)
    {
        var r = req.Resource;
        var scale = r.Scale!;
        switch (verb)
        {
            case "get":
                await WriteJsonAsync(http, ScaleOf(_service.Get(r, req.Namespace, req.Name!), scale));
                return;
            case "update" or "patch":
            {
                JsonObject? body = null;
                (PatchType Type, JsonNode Patch)? patch = null;
                if (verb == "update")
                {
                    body = await ReadObjectAsync(http);
                }
                else
                {
                    patch = await ReadPatchAsync(http);
                }

                // Like the real server, a write to /scale without a resourceVersion applies to whatever is current:
                // lost races (e.g. with a status writer) are retried; one with a resourceVersion is a precondition.
                for (var attempt = 0; ; attempt++)
                {
                    var live = _service.Get(r, req.Namespace, req.Name!);
                    var desired = body ?? (patch!.Value.Type switch
                    {
                        PatchType.Json => Seams.JsonPatch(ScaleOf(live, scale), patch.Value.Patch),
                        PatchType.Merge or PatchType.StrategicMerge => Seams.MergePatch(ScaleOf(live, scale), patch.Value.Patch),
                        _ => throw ApiException.UnsupportedMediaType("apply is not supported on the scale subresource"),
                    }) as JsonObject ?? throw ApiException.BadRequest("the patched Scale is not an object");
                    var replicas = Obj.Long(desired, "spec", "replicas") ?? throw ApiException.Invalid("Scale", "autoscaling", req.Name!, [new StatusCause("FieldValueRequired", "Required value", "spec.replicas")]);
                    if (replicas < 0)
                    {
                        throw ApiException.Invalid("Scale", "autoscaling", req.Name!, [new StatusCause("FieldValueInvalid", $"Invalid value: {replicas}: must be greater than or equal to 0", "spec.replicas")]);
                    }

                    var precondition = Obj.ResourceVersion(desired);
                    var updated = Obj.Clone(live);
                    SetPath(updated, scale.SpecReplicasPath, JsonValue.Create(replicas));
                    if (!string.IsNullOrEmpty(precondition))
                    {
                        Obj.Metadata(updated)["resourceVersion"] = precondition;
                    }

                    try
                    {
                        // Recorded as an update of the scale subresource, so managedFields (and apply conflicts) name it as the real server does.
                        var result = _service.Update(r, req.Namespace, req.Name!, updated, ctx, "scale");
                        await WriteJsonAsync(http, ScaleOf(result, scale), ctx);
                        return;
                    }
                    catch (ApiException e) when (e.Code == HttpStatusCode.Conflict && string.IsNullOrEmpty(precondition) && attempt < 5)
                    {
                        // Someone wrote in between; try again on the latest state.
                    }
                }
            }

            default:
                throw ApiException.MethodNotAllowed("the server does not allow this method on the requested resource");
        }
    }

    private static JsonObject ScaleOf(JsonObject obj, ScaleSubresource scale)
    {
        var selector = GetPath(obj, scale.LabelSelectorPath ?? string.Empty);
        var selectorText = selector switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            JsonObject o => string.Join(",", (o["matchLabels"] as JsonObject ?? []).Select(kv => kv.Key + "=" + kv.Value)),
            _ => null,
        };
        if (selectorText is null && Obj.At(obj, "spec", "selector") is JsonObject specSelector)
        {
            selectorText = string.Join(",", (specSelector["matchLabels"] as JsonObject ?? []).Select(kv => kv.Key + "=" + kv.Value));
        }

        var status = new JsonObject { ["replicas"] = GetPath(obj, scale.StatusReplicasPath)?.DeepClone() ?? 0 };
        if (!string.IsNullOrEmpty(selectorText))
        {
            status["selector"] = selectorText;
        }

        var meta = Obj.Metadata(obj);
        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = meta["name"]?.DeepClone(),
                ["namespace"] = meta["namespace"]?.DeepClone(),
                ["uid"] = meta["uid"]?.DeepClone(),
                ["resourceVersion"] = meta["resourceVersion"]?.DeepClone(),
                ["creationTimestamp"] = meta["creationTimestamp"]?.DeepClone(),
            },
            ["spec"] = new JsonObject { ["replicas"] = GetPath(obj, scale.SpecReplicasPath)?.DeepClone() ?? 0 },
            ["status"] = status,
        };
    }

    private static JsonNode? GetPath(JsonObject obj, string dotted) =>
        dotted.Length == 0 ? null : Obj.At(obj, dotted.TrimStart('.').Split('.'));

    private static void SetPath(JsonObject obj, string dotted, JsonNode? value)
    {
        var parts = dotted.TrimStart('.').Split('.');
        var node = obj;
        foreach (var p in parts[..^1])
        {
            if (node[p] is not JsonObject next)
            {
                next = new JsonObject();
                node[p] = next;
            }

            node = next;
        }

        node[parts[^1]] = value;
    }

    private async Task WriteDiscoveryAsync(HttpContext http, bool core)
    {
        var accept = http.Request.Headers.Accept.ToString();
        http.Response.Headers.Vary = "Accept";
        if (accept.Contains("as=APIGroupDiscoveryList", StringComparison.Ordinal))
        {
            var v = accept.Contains("v=v2;", StringComparison.Ordinal) || accept.Contains("v=v2,", StringComparison.Ordinal) || accept.EndsWith("v=v2", StringComparison.Ordinal) ? "v2" : "v2beta1";
            if (!accept.Contains("v=v2beta1", StringComparison.Ordinal) || accept.Contains("v=v2;", StringComparison.Ordinal))
            {
                v = "v2";
            }

            var doc = Discovery.Aggregated(Registry, core, "apidiscovery.k8s.io/" + v);
            await WriteJsonAsync(http, doc, null, HttpStatusCode.OK, $"application/json;g=apidiscovery.k8s.io;v={v};as=APIGroupDiscoveryList");
            return;
        }

        var host = http.Request.Host.Value ?? "127.0.0.1";
        await WriteJsonAsync(http, core ? Discovery.CoreVersions(host) : Discovery.GroupList(Registry));
    }

    private async Task ServeOpenApiAsync(HttpContext http, string[] segments)
    {
        var resources = Registry.All;
        var key = Registry.Generation.ToString(CultureInfo.InvariantCulture);
        var doc = segments switch
        {
            ["openapi", "v2"] => Seams.OpenApiV2(resources, key),
            ["openapi", "v3"] => Seams.OpenApiV3Root(resources, key),
            ["openapi", "v3", .. var rest] => Seams.OpenApiV3GroupVersion(resources, string.Join('/', rest), key),
            _ => null,
        } ?? throw PathNotFound();
        if (segments is ["openapi", "v2"] && http.Request.Headers.Accept.ToString().Contains("proto-openapi.spec.v2", StringComparison.Ordinal))
        {
            // kubectl before 1.29 asks for the protobuf document only.
            var proto = Seams.OpenApiV2Protobuf(doc, key);
            http.Response.ContentType = Schema.OpenApiV2Protobuf.ContentType;
            http.Response.ContentLength = proto.Length;
            await http.Response.Body.WriteAsync(proto, http.RequestAborted);
            return;
        }

        http.Response.ContentType = "application/json";
        var bytes = Encoding.UTF8.GetBytes(doc);
        http.Response.ContentLength = bytes.Length;
        await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
    }

    private RequestContext BuildContext(HttpContext http)
    {
        var q = http.Request.Query;
        var identity = Authorization.Impersonation.FromHeaders(http.Request.Headers);
        var fieldManager = q["fieldManager"].ToString();
        if (string.IsNullOrEmpty(fieldManager))
        {
            var ua = http.Request.Headers.UserAgent.ToString();
            var slash = ua.IndexOf('/', StringComparison.Ordinal);
            fieldManager = slash > 0 ? ua[..slash] : ua.Length > 0 ? ua : "unknown";
        }

        if (fieldManager.Length > 128)
        {
            throw ApiException.BadRequest("fieldManager: Too long: may not be longer than 128");
        }

        var validation = q["fieldValidation"].ToString() switch
        {
            "" or "Warn" => FieldValidation.Warn,
            "Strict" => FieldValidation.Strict,
            "Ignore" => FieldValidation.Ignore,
            var other => throw ApiException.BadRequest($"fieldValidation: Unsupported value: \"{other}\": supported values: \"Ignore\", \"Strict\", \"Warn\""),
        };
        var dryRun = q["dryRun"].ToString();
        if (dryRun.Length > 0 && dryRun != "All")
        {
            throw ApiException.BadRequest($"dryRun: Unsupported value: \"{dryRun}\": supported values: \"All\"");
        }

        return new RequestContext
        {
            User = identity,
            DryRun = dryRun == "All",
            FieldManager = fieldManager,
            FieldValidation = validation,
        };
    }

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

    private static async Task<JsonNode> ReadNodeAsync(HttpContext http)
    {
        var contentType = http.Request.ContentType ?? "application/json";
        if (contentType.StartsWith(Protobuf.KubernetesProtobuf.MediaType, StringComparison.Ordinal))
        {
            // kubectl's typed clients (create configmap/namespace/secret...) send built-in kinds as protobuf.
            return Protobuf.KubernetesProtobuf.Decode(await ReadBodyBytesAsync(http));
        }

        var text = await ReadBodyAsync(http);
        if (contentType.Contains("protobuf", StringComparison.Ordinal) || contentType.Contains("cbor", StringComparison.Ordinal))
        {
            throw ApiException.UnsupportedMediaType($"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf");
        }

        if (text.Trim().Length == 0)
        {
            throw ApiException.BadRequest("the request body is empty");
        }

        var yaml = contentType.Contains("yaml", StringComparison.Ordinal);
        try
        {
            return (yaml && !LooksLikeJson(text) ? Seams.ParseYaml(text) : JsonNode.Parse(text)) ?? throw ApiException.BadRequest("the request body is null");
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest("the body of the request could not be decoded: " + e.Message);
        }
    }

    private static bool LooksLikeJson(string text)
    {
        var t = text.TrimStart();
        return t.StartsWith('{') || t.StartsWith('[');
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpContext http)
    {
        var node = await ReadNodeAsync(http);
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

    private static async Task<(PatchType, JsonNode)> ReadPatchAsync(HttpContext http)
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
            var node = type == PatchType.Apply && !LooksLikeJson(text) ? Seams.ParseYaml(text) : JsonNode.Parse(text);
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

    private async Task WriteObjectOrTableAsync(HttpContext http, JsonObject obj, ResourceInfo r)
    {
        if (WantsTable(http))
        {
            var table = Seams.Table(r, [Obj.Clone(obj)], http.Request.Query["includeObject"], null, null, _time.GetUtcNow());
            if (table is not null)
            {
                await WriteJsonAsync(http, table);
                return;
            }
        }

        await WriteJsonAsync(http, obj);
    }

    internal static bool WantsTable(HttpContext http) =>
        http.Request.Headers.Accept.ToString().Contains("as=Table", StringComparison.Ordinal);

    internal static Task WriteJsonAsync(HttpContext http, JsonNode body, RequestContext? ctx = null, HttpStatusCode code = HttpStatusCode.OK, string contentType = "application/json")
    {
        http.Response.StatusCode = (int)code;
        http.Response.ContentType = contentType;
        if (ctx is not null)
        {
            foreach (var warning in ctx.Warnings)
            {
                http.Response.Headers.Append("Warning", $"299 - \"{warning.Replace("\"", "\\\"", StringComparison.Ordinal)}\"");
            }
        }

        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, Obj.JsonOptions);
        http.Response.ContentLength = bytes.Length;
        return http.Response.Body.WriteAsync(bytes, http.RequestAborted).AsTask();
    }

    internal static JsonObject StatusOf(ApiException e)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = e.Message,
            ["reason"] = e.Reason,
        };
        var details = new JsonObject();
        if (e.DetailsName is not null)
        {
            details["name"] = e.DetailsName;
        }

        if (!string.IsNullOrEmpty(e.DetailsGroup))
        {
            details["group"] = e.DetailsGroup;
        }

        if (e.DetailsKind is not null)
        {
            details["kind"] = e.DetailsKind;
        }

        if (e.Causes.Count > 0)
        {
            details["causes"] = new JsonArray(e.Causes.Select(c =>
            {
                var cause = new JsonObject { ["reason"] = c.Reason, ["message"] = c.Message };
                if (c.Field is not null)
                {
                    cause["field"] = c.Field;
                }

                return (JsonNode?)cause;
            }).ToArray());
        }

        if (details.Count > 0)
        {
            status["details"] = details;
        }

        status["code"] = (int)e.Code;
        return status;
    }

    private static async Task WriteStatusAsync(HttpContext http, ApiException e)
    {
        if (http.Response.HasStarted)
        {
            return;
        }

        http.Response.Headers.Clear();
        await WriteJsonAsync(http, StatusOf(e), null, e.Code);
    }

    private static ApiException PathNotFound() =>
        new(HttpStatusCode.NotFound, "NotFound", "the server could not find the requested resource");
}
