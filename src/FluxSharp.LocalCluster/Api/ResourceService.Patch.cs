using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Objects;
using FluxSharp.LocalCluster.Resources;

namespace FluxSharp.LocalCluster.Api;

// patch: JSON, merge and strategic-merge patches, retried on a lost race; apply patches go to Apply.
public sealed partial class ResourceService
{
    private const int MaxPatchRetries = 5;

    public JsonObject Patch(ResourceInfo r, string? ns, string name, PatchType type, JsonNode patch, RequestContext ctx, string? subresource, bool force)
    {
        if (type == PatchType.StrategicMerge && r.IsCustom)
        {
            throw ApiException.UnsupportedMediaType("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
        }

        if (EventConversion.IsEventsV1(r) && type == PatchType.Apply)
        {
            throw ApiException.UnsupportedMediaType("server-side apply of events.k8s.io/v1 Events is not supported by the local control plane; apply core/v1 Events");
        }

        for (var attempt = 0; ; attempt++)
        {
            var live = _store.Get(ResourceRegistry.StorageKey(r), NsFor(r, ns), name);
            try
            {
                if (type == PatchType.Apply)
                {
                    return Apply(r, ns, name, live, patch as JsonObject ?? throw ApiException.BadRequest("the applied configuration must be an object"), ctx, subresource, force);
                }

                if (live is null)
                {
                    throw NotFound(r, name);
                }

                var current = ForVersion(live, r);
                JsonNode patched = type switch
                {
                    PatchType.Json => Seams.JsonPatch(current, patch),
                    PatchType.Merge => Seams.MergePatch(current, patch),
                    _ => Seams.StrategicMergePatch(current, patch, r),
                };
                if (patched is not JsonObject patchedObj)
                {
                    throw ApiException.BadRequest("the patch produced something that is not an object");
                }

                if (EventConversion.IsEventsV1(r))
                {
                    CheckTypeMeta(r, patchedObj);
                    return ForVersion(UpdatePrepared(CoreEvents, live, EventConversion.ToCore(patchedObj), ctx, subresource, Obj.ResourceVersion(live)!, null), r);
                }

                CheckTypeMeta(r, patchedObj);
                var pm = Obj.Metadata(patchedObj);
                if (Obj.Name(patchedObj) != name)
                {
                    throw ApiException.Invalid(r.Kind, r.Group, name, [new StatusCause("FieldValueInvalid", "field is immutable", "metadata.name")]);
                }

                if (r.Namespaced)
                {
                    pm["namespace"] = ns;
                }

                // A resourceVersion in the patch is a precondition; otherwise the patch applies to whatever is current.
                var precondition = Obj.ResourceVersion(patchedObj);
                if (!string.IsNullOrEmpty(precondition) && precondition != Obj.ResourceVersion(live))
                {
                    throw ApiException.Conflict(r.Plural, name, r.Group, "the object has been modified; please apply your changes to the latest version and try again");
                }

                return UpdatePrepared(r, live, patchedObj, ctx, subresource, Obj.ResourceVersion(live)!, null);
            }
            catch (RetryableConflictException) when (attempt < MaxPatchRetries)
            {
                // Someone wrote in between: patches apply to the latest state, so try again.
            }
            catch (RetryableConflictException)
            {
                throw ApiException.Conflict(r.Plural, name, r.Group, "the object has been modified; please apply your changes to the latest version and try again");
            }
        }
    }
}
