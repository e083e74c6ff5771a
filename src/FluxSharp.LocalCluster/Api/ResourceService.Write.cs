using System.Net;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Objects;
using FluxSharp.LocalCluster.Resources;

namespace FluxSharp.LocalCluster.Api;

// The write core every verb ends in: admission, validation, uid/resourceVersion/generation, storing.
public sealed partial class ResourceService
{
    private JsonObject CreatePrepared(ResourceInfo r, JsonObject obj, RequestContext ctx, bool? alreadyTracked)
    {
        var meta = Obj.Metadata(obj);
        var name = Obj.Name(obj);
        if (alreadyTracked != true)
        {
            CheckUnknownFields(r, obj, ctx);
        }

        Seams.Prune(obj, r);
        foreach (var hook in Hooks)
        {
            hook.BeforeCreate(r, obj, ctx);
        }

        Seams.Default(obj, r);
        var causes = new List<StatusCause>(Seams.ValidateMetadata(obj, r, allowGenerateName: true));
        causes.AddRange(Seams.Validate(obj, r));
        if (causes.Count > 0)
        {
            throw ApiException.Invalid(r.Kind, r.Group, name, causes);
        }

        if (r.Namespaced)
        {
            RequireActiveNamespace(Obj.Namespace(obj)!);
        }

        var now = _time.GetUtcNow();
        foreach (var serverField in new[] { "uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink", "generation" })
        {
            meta.Remove(serverField);
        }

        meta["uid"] = Guid.NewGuid().ToString();
        meta["creationTimestamp"] = Obj.Timestamp(now);
        if (TracksGeneration(r))
        {
            meta["generation"] = 1;
        }

        if (alreadyTracked != true)
        {
            Seams.TrackUpdate(null, obj, r, ctx.FieldManager, null, now);
        }

        if (ctx.DryRun)
        {
            // A dry-run create is never stored, so it has no resourceVersion.
            meta.Remove("resourceVersion");
            return ForVersion(obj, r);
        }

        if (!_store.TryCreate(ResourceRegistry.StorageKey(r), obj, out var stored))
        {
            throw ApiException.AlreadyExists(r.Plural, name, r.Group);
        }

        foreach (var hook in Hooks)
        {
            hook.AfterWrite(r, stored);
        }

        return ForVersion(stored, r);
    }

    private JsonObject UpdatePrepared(ResourceInfo r, JsonObject live, JsonObject obj, RequestContext ctx, string? subresource, string expectedRv, bool? alreadyTracked)
    {
        var name = Obj.Name(live);
        if (subresource == "status")
        {
            // Only status changes through /status; everything else stays as stored (managedFields follow the write).
            var merged = Obj.Clone(live);
            if (obj["status"] is { } status)
            {
                merged["status"] = status.DeepClone();
            }
            else
            {
                merged.Remove("status");
            }

            if (Obj.At(obj, "metadata", "managedFields") is { } mf)
            {
                Obj.Metadata(merged)["managedFields"] = mf.DeepClone();
            }

            obj = merged;
        }
        else
        {
            if (alreadyTracked != true)
            {
                CheckUnknownFields(r, obj, ctx);
            }

            if (r.HasStatus)
            {
                if (live["status"] is { } status)
                {
                    obj["status"] = status.DeepClone();
                }
                else
                {
                    obj.Remove("status");
                }
            }
        }

        Seams.Prune(obj, r);
        var meta = Obj.Metadata(obj);
        var liveMeta = Obj.Metadata(live);
        foreach (var serverField in new[] { "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation" })
        {
            if (liveMeta[serverField] is { } v)
            {
                meta[serverField] = v.DeepClone();
            }
            else
            {
                meta.Remove(serverField);
            }
        }

        meta.Remove("selfLink");
        foreach (var hook in Hooks)
        {
            hook.BeforeUpdate(r, live, obj, ctx);
        }

        Seams.Default(obj, r);
        var causes = new List<StatusCause>(Seams.ValidateMetadata(obj, r, allowGenerateName: false));
        if (Obj.IsDeleting(live))
        {
            var added = Obj.Finalizers(obj).Except(Obj.Finalizers(live), StringComparer.Ordinal).ToList();
            if (added.Count > 0)
            {
                causes.Add(new StatusCause("FieldValueForbidden", $"Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{{{string.Join(", ", added.Select(f => "\"" + f + "\""))}}}", "metadata.finalizers"));
            }
        }

        causes.AddRange(Seams.Validate(obj, r));
        if (causes.Count > 0)
        {
            throw ApiException.Invalid(r.Kind, r.Group, name, causes);
        }

        if (TracksGeneration(r) && SpecChanged(r, live, obj))
        {
            meta["generation"] = (Obj.Long(live, "metadata", "generation") ?? 1) + 1;
        }

        var now = _time.GetUtcNow();
        if (alreadyTracked != true)
        {
            Seams.TrackUpdate(ForVersion(live, r), obj, r, ctx.FieldManager, subresource, now);
        }

        // Nothing changed: the real server writes nothing and keeps the resourceVersion.
        meta["resourceVersion"] = expectedRv;
        if (Obj.DeepEquals(ForVersion(live, r), ForVersion(obj, r)))
        {
            return ForVersion(live, r);
        }

        if (ctx.DryRun)
        {
            return ForVersion(obj, r);
        }

        // The last finalizer removed from an object being deleted: it goes now.
        if (Obj.IsDeleting(obj) && Obj.Finalizers(obj).Count == 0 && !HasSpecFinalizers(r, obj))
        {
            var removed = _store.TryDelete(ResourceRegistry.StorageKey(r), Obj.Namespace(live), name, expectedRv, out var delConflict);
            if (delConflict)
            {
                throw new RetryableConflictException(r, name);
            }

            return ForVersion(removed ?? obj, r);
        }

        var stored = _store.TryUpdate(ResourceRegistry.StorageKey(r), obj, expectedRv, out var conflict);
        if (stored is null)
        {
            throw NotFound(r, name);
        }

        if (conflict)
        {
            throw new RetryableConflictException(r, name);
        }

        foreach (var hook in Hooks)
        {
            hook.AfterWrite(r, stored);
        }

        return ForVersion(stored, r);
    }

    /// <summary>Custom resources and kinds with a spec a controller acts on carry metadata.generation; ConfigMaps and the like don't.</summary>
    private static bool TracksGeneration(ResourceInfo r) =>
        r.IsCustom || r.Group is "apps" or "batch" or "networking.k8s.io" or "policy" or "autoscaling" or "apiextensions.k8s.io" or "apiregistration.k8s.io" or "admissionregistration.k8s.io" or "scheduling.k8s.io"
        || (r.Group.Length == 0 && r.Kind is "Pod" or "ReplicationController" or "PersistentVolumeClaim");

    /// <summary>Namespaces wait for spec.finalizers (the namespace controller's "kubernetes") as well as metadata.finalizers.</summary>
    private static bool HasSpecFinalizers(ResourceInfo r, JsonObject obj) =>
        r.Group.Length == 0 && r.Kind == "Namespace" && Obj.At(obj, "spec", "finalizers") is JsonArray { Count: > 0 };

    private static bool SpecChanged(ResourceInfo r, JsonObject live, JsonObject updated)
    {
        foreach (var (key, value) in updated)
        {
            if (key is "metadata" or "apiVersion" or "kind" || (key == "status" && r.HasStatus))
            {
                continue;
            }

            if (!Obj.DeepEquals(value, live[key]))
            {
                return true;
            }
        }

        foreach (var (key, _) in live)
        {
            if (key is "metadata" or "apiVersion" or "kind" || (key == "status" && r.HasStatus))
            {
                continue;
            }

            if (!updated.ContainsKey(key))
            {
                return true;
            }
        }

        return false;
    }

    private void CheckUnknownFields(ResourceInfo r, JsonObject obj, RequestContext ctx)
    {
        if (ctx.FieldValidation == FieldValidation.Ignore)
        {
            return;
        }

        var unknown = Seams.UnknownFields(obj, r);
        if (unknown.Count == 0)
        {
            return;
        }

        if (ctx.FieldValidation == FieldValidation.Strict)
        {
            throw ApiException.BadRequest(Seams.StrictDecodingError(r, unknown));
        }

        ctx.Warnings.AddRange(unknown.Select(u => $"unknown field \"{u}\""));
    }

    private void RequireActiveNamespace(string ns)
    {
        var nsRes = _registry.Find(string.Empty, "v1", "namespaces")!;
        var nsObj = _store.Get(ResourceRegistry.StorageKey(nsRes), null, ns) ?? throw ApiException.NotFound("namespaces", ns);
        if (Obj.IsDeleting(nsObj))
        {
            throw new ApiException(HttpStatusCode.Forbidden, "Forbidden", $"unable to create new content in namespace {ns} because it is being terminated")
            {
                DetailsKind = "namespaces",
                DetailsName = ns,
            };
        }
    }

    private static string RandomSuffix()
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        Span<char> s = stackalloc char[5];
        for (var i = 0; i < s.Length; i++)
        {
            s[i] = alphabet[System.Security.Cryptography.RandomNumberGenerator.GetInt32(alphabet.Length)];
        }

        return new string(s);
    }
}
