using System.Net;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Objects;
using FluxSharp.LocalCluster.Resources;
using FluxSharp.LocalCluster.Selectors;

namespace FluxSharp.LocalCluster.Api;

// delete and deletecollection, with finalizers and propagation.
public sealed partial class ResourceService
{
    public (JsonObject Body, HttpStatusCode Code) Delete(ResourceInfo r, string? ns, string name, DeleteOptions options, RequestContext ctx)
    {
        var dryRun = ctx.DryRun || options.DryRun;
        for (var attempt = 0; ; attempt++)
        {
            var live = _store.Get(ResourceRegistry.StorageKey(r), NsFor(r, ns), name) ?? throw NotFound(r, name);
            if (options.PreconditionUid is { } uid && uid != Obj.Uid(live))
            {
                throw ApiException.Conflict(r.Plural, name, r.Group, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {Obj.Uid(live)}");
            }

            if (options.PreconditionResourceVersion is { } prv && prv != Obj.ResourceVersion(live))
            {
                throw ApiException.Conflict(r.Plural, name, r.Group, $"Precondition failed: ResourceVersion in precondition: {prv}, ResourceVersion in object meta: {Obj.ResourceVersion(live)}");
            }

            var obj = Obj.Clone(live);
            var finalizers = Obj.Finalizers(obj);
            var deleting = Obj.IsDeleting(obj);
            if (!deleting)
            {
                switch (options.Propagation)
                {
                    case PropagationPolicy.Foreground when !finalizers.Contains("foregroundDeletion"):
                        finalizers.Add("foregroundDeletion");
                        break;
                    case PropagationPolicy.Orphan when !finalizers.Contains("orphan"):
                        finalizers.Add("orphan");
                        break;
                }
            }

            foreach (var hook in Hooks)
            {
                hook.BeforeDelete(r, obj, finalizers);
            }

            if (finalizers.Count == 0 && !HasSpecFinalizers(r, obj))
            {
                if (dryRun)
                {
                    return (DeletedResponse(r, live), HttpStatusCode.OK);
                }

                var removed = _store.TryDelete(ResourceRegistry.StorageKey(r), Obj.Namespace(live), name, Obj.ResourceVersion(live), out var conflict);
                if (conflict && attempt < MaxPatchRetries)
                {
                    continue;
                }

                if (removed is null)
                {
                    throw NotFound(r, name);
                }

                return (DeletedResponse(r, removed), HttpStatusCode.OK);
            }

            if (deleting && finalizers.SequenceEqual(Obj.Finalizers(live)))
            {
                return (ForVersion(live, r), HttpStatusCode.OK);
            }

            Obj.SetFinalizers(obj, finalizers);
            var meta = Obj.Metadata(obj);
            meta["deletionTimestamp"] ??= Obj.Timestamp(_time.GetUtcNow());
            meta["deletionGracePeriodSeconds"] ??= 0;
            if (dryRun)
            {
                return (ForVersion(obj, r), HttpStatusCode.OK);
            }

            var updated = _store.TryUpdate(ResourceRegistry.StorageKey(r), obj, Obj.ResourceVersion(live)!, out var c2);
            if (c2 && attempt < MaxPatchRetries)
            {
                continue;
            }

            if (updated is null || c2)
            {
                throw ApiException.Conflict(r.Plural, name, r.Group, "the object has been modified; please apply your changes to the latest version and try again");
            }

            return (ForVersion(updated, r), HttpStatusCode.OK);
        }
    }

    public JsonObject DeleteCollection(ResourceInfo r, string? ns, LabelSelector labels, FieldSelector fields, DeleteOptions options, RequestContext ctx)
    {
        var (items, _) = _store.List(ResourceRegistry.StorageKey(r), r.Namespaced ? ns : null);
        foreach (var o in items.Where(o => labels.Matches(o) && fields.Matches(o)))
        {
            try
            {
                Delete(r, Obj.Namespace(o), Obj.Name(o), options, ctx);
            }
            catch (ApiException e) when (e.Code == HttpStatusCode.NotFound)
            {
                // Gone in the meantime: that is what was asked.
            }
        }

        return new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success" };
    }

    private static JsonObject DeletedResponse(ResourceInfo r, JsonObject removed) =>
        r.ReturnsDeletedObject ? ForVersion(removed, r) : SuccessStatus(r, removed);

    private static JsonObject SuccessStatus(ResourceInfo r, JsonObject removed) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Success",
        ["details"] = new JsonObject
        {
            ["name"] = Obj.Name(removed),
            ["group"] = r.Group,
            ["kind"] = r.Plural,
            ["uid"] = Obj.Uid(removed),
        },
    };
}
