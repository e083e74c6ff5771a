using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Objects;
using FluxSharp.LocalCluster.Resources;

namespace FluxSharp.LocalCluster.Api;

// server-side apply.
public sealed partial class ResourceService
{
    private JsonObject Apply(ResourceInfo r, string? ns, string name, JsonObject? live, JsonObject config, RequestContext ctx, string? subresource, bool force)
    {
        CheckTypeMeta(r, config);
        CheckNamespace(r, ns, config);
        var configName = Obj.Name(config);
        if (configName.Length > 0 && configName != name)
        {
            throw ApiException.BadRequest($"the name of the object ({configName}) does not match the name on the URL ({name})");
        }

        var cfg = Obj.Clone(config);
        var cm = Obj.Metadata(cfg);
        cm["name"] = name;
        if (r.Namespaced)
        {
            cm["namespace"] = ns;
        }

        if (subresource is null && r.HasStatus)
        {
            cfg.Remove("status");
        }

        CheckUnknownFields(r, cfg, ctx);
        if (!r.IsCustom)
        {
            BuiltinAdmission.DefaultApplyKeys(cfg);
        }

        var now = _time.GetUtcNow();
        if (live is null)
        {
            if (subresource is not null)
            {
                throw NotFound(r, name);
            }

            var created = Seams.ServerSideApply(null, cfg, r, ctx.FieldManager, force, null, now);
            return CreatePrepared(r, created, ctx, alreadyTracked: true);
        }

        var current = ForVersion(live, r);
        var merged = Seams.ServerSideApply(current, cfg, r, ctx.FieldManager, force, subresource, now);
        return UpdatePrepared(r, live, merged, ctx, subresource, Obj.ResourceVersion(live)!, alreadyTracked: true);
    }
}
