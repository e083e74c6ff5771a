using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Api;
using FluxSharp.LocalCluster.Objects;
using FluxSharp.LocalCluster.Selectors;
using Microsoft.AspNetCore.Http;

namespace FluxSharp.LocalCluster.Http;

// The resource verbs: get, list, watch, create, update, patch, delete, deletecollection.
internal sealed partial class ApiHandler
{
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
                var body = await ReadObjectAsync(http, ctx, r);
                await WriteJsonAsync(http, ReviewEndpoints.Answer(r, req.Namespace, body, ctx.User, _rbac), ctx, HttpStatusCode.Created);
                return;
            }

            case "create":
            {
                var body = await ReadObjectAsync(http, ctx, r);
                var created = _service.Create(r, req.Namespace, body, ctx);
                await WriteJsonAsync(http, created, ctx, ctx.DryRun ? HttpStatusCode.OK : HttpStatusCode.Created);
                return;
            }

            case "update":
            {
                var body = await ReadObjectAsync(http, ctx, r);
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
                var (type, patch) = await ReadPatchAsync(http, ctx, r);
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
}
