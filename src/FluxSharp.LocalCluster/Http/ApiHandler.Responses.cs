using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Api;
using FluxSharp.LocalCluster.Objects;
using FluxSharp.LocalCluster.Resources;
using Microsoft.AspNetCore.Http;

namespace FluxSharp.LocalCluster.Http;

// Writing responses: objects or Tables, JSON, and metav1.Status for errors.
internal sealed partial class ApiHandler
{
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
