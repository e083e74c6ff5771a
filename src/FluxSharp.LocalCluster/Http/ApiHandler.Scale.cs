using System.Net;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Api;
using FluxSharp.LocalCluster.Objects;
using FluxSharp.LocalCluster.Resources;
using Microsoft.AspNetCore.Http;

namespace FluxSharp.LocalCluster.Http;

// The scale subresource (autoscaling/v1 Scale) of workloads and of CRDs that declare one.
internal sealed partial class ApiHandler
{
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
                    body = await ReadObjectAsync(http, ctx, r);
                }
                else
                {
                    patch = await ReadPatchAsync(http, ctx, r);
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
}
