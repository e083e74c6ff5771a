using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Objects;
using FluxSharp.LocalCluster.Resources;

namespace FluxSharp.LocalCluster.Api;

// update (PUT), of the object or its status/scale subresource.
public sealed partial class ResourceService
{
    public JsonObject Update(ResourceInfo r, string? ns, string name, JsonObject body, RequestContext ctx, string? subresource)
    {
        if (EventConversion.IsEventsV1(r))
        {
            CheckTypeMeta(r, body);
            return ForVersion(Update(CoreEvents, ns, name, EventConversion.ToCore(body), ctx, subresource), r);
        }

        CheckTypeMeta(r, body);
        CheckNamespace(r, ns, body);
        var bodyName = Obj.Name(body);
        if (bodyName.Length > 0 && bodyName != name)
        {
            throw ApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        }

        var live = _store.Get(ResourceRegistry.StorageKey(r), NsFor(r, ns), name) ?? throw NotFound(r, name);
        var obj = Obj.Clone(body);
        var meta = Obj.Metadata(obj);
        meta["name"] = name;
        if (r.Namespaced)
        {
            meta["namespace"] = ns;
        }

        var expected = Obj.ResourceVersion(body);
        if (!string.IsNullOrEmpty(expected) && expected != Obj.ResourceVersion(live))
        {
            throw ApiException.Conflict(r.Plural, name, r.Group, "the object has been modified; please apply your changes to the latest version and try again");
        }

        try
        {
            return UpdatePrepared(r, live, obj, ctx, subresource, Obj.ResourceVersion(live)!, null);
        }
        catch (RetryableConflictException)
        {
            throw ApiException.Conflict(r.Plural, name, r.Group, "the object has been modified; please apply your changes to the latest version and try again");
        }
    }
}
