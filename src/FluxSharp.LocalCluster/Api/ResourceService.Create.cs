using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Objects;
using FluxSharp.LocalCluster.Resources;

namespace FluxSharp.LocalCluster.Api;

// create (POST).
public sealed partial class ResourceService
{
    public JsonObject Create(ResourceInfo r, string? ns, JsonObject body, RequestContext ctx)
    {
        if (EventConversion.IsEventsV1(r))
        {
            CheckTypeMeta(r, body);
            return ForVersion(Create(CoreEvents, ns, EventConversion.ToCore(body), ctx), r);
        }

        CheckTypeMeta(r, body);
        CheckNamespace(r, ns, body);
        var obj = Obj.Clone(body);
        var meta = Obj.Metadata(obj);
        if (r.Namespaced)
        {
            meta["namespace"] = ns;
        }

        if (string.IsNullOrEmpty(Obj.Name(obj)))
        {
            var generateName = Obj.Str(obj, "metadata", "generateName");
            if (string.IsNullOrEmpty(generateName))
            {
                throw ApiException.Invalid(r.Kind, r.Group, string.Empty, [new StatusCause("FieldValueRequired", "Required value: name or generateName is required", "metadata.name")]);
            }

            meta["name"] = generateName + RandomSuffix();
        }

        if (r.HasStatus)
        {
            obj.Remove("status");
        }

        return CreatePrepared(r, obj, ctx, null);
    }
}
