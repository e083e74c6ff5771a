using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Objects;
using FluxSharp.LocalCluster.Resources;
using FluxSharp.LocalCluster.Selectors;
using FluxSharp.LocalCluster.Storage;

namespace FluxSharp.LocalCluster.Api;

/// <summary>The kinds of patch a client may send (by Content-Type).</summary>
public enum PatchType
{
    Json,
    Merge,
    StrategicMerge,
    Apply,
}

/// <summary>
/// The verbs on stored objects with the real API server's semantics: uid, resourceVersion, generation, status
/// subresource, finalizers and deletionTimestamp, optimistic concurrency, dryRun, managedFields.
/// HTTP-free: the HTTP layer maps requests onto these calls and ApiExceptions onto Status responses.
/// </summary>
public sealed class ResourceService
{
    private const int MaxPatchRetries = 5;
    private readonly ObjectStore _store;
    private readonly ResourceRegistry _registry;
    private readonly TimeProvider _time;

    public ResourceService(ObjectStore store, ResourceRegistry registry, TimeProvider time)
    {
        _store = store;
        _registry = registry;
        _time = time;
    }

    /// <summary>Kind-specific steps (defaults, CRD handling) run around writes.</summary>
    public List<IAdmissionHook> Hooks { get; } = [];

    public ObjectStore Store => _store;

    public ResourceRegistry Registry => _registry;

    private ResourceInfo CoreEvents => _registry.Find(string.Empty, "v1", "events")!;

    public JsonObject Get(ResourceInfo r, string? ns, string name)
    {
        var stored = _store.Get(ResourceRegistry.StorageKey(r), NsFor(r, ns), name) ?? throw NotFound(r, name);
        return ForVersion(stored, r);
    }

    public JsonObject? TryGet(ResourceInfo r, string? ns, string name)
    {
        var stored = _store.Get(ResourceRegistry.StorageKey(r), NsFor(r, ns), name);
        return stored is null ? null : ForVersion(stored, r);
    }

    /// <summary>A list with limit/continue paging; continue tokens carry the last key returned.</summary>
    public JsonObject List(ResourceInfo r, string? ns, LabelSelector labels, FieldSelector fields, int? limit, string? continueToken)
    {
        string? startAfter = null;
        if (!string.IsNullOrEmpty(continueToken))
        {
            try
            {
                startAfter = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(continueToken));
            }
            catch (FormatException)
            {
                throw ApiException.BadRequest("continue key is not valid: illegal base64 data");
            }
        }

        var (items, rv) = _store.List(ResourceRegistry.StorageKey(r), r.Namespaced ? ns : null, startAfter);
        var result = new JsonArray();
        var matched = items.Where(o => labels.Matches(o) && fields.Matches(o)).ToList();
        var take = limit is > 0 ? Math.Min(limit.Value, matched.Count) : matched.Count;
        for (var i = 0; i < take; i++)
        {
            // Stored objects must never gain a parent; a version view is already a copy.
            var shown = ForVersion(matched[i], r);
            result.Add(ReferenceEquals(shown, matched[i]) ? Obj.Clone(shown) : shown);
        }

        var meta = new JsonObject { ["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture) };
        if (take < matched.Count)
        {
            var last = matched[take - 1];
            meta["continue"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(ObjectStore.ObjectKey(Obj.Namespace(last), Obj.Name(last))));
            meta["remainingItemCount"] = matched.Count - take;
        }

        return new JsonObject
        {
            ["kind"] = r.ListKind,
            ["apiVersion"] = r.ApiVersion,
            ["metadata"] = meta,
            ["items"] = result,
        };
    }

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

    /// <summary>The object as version <paramref name="r"/> shows it (versions of a CRD share storage; conversion is None).</summary>
    public static JsonObject ForVersion(JsonObject stored, ResourceInfo r)
    {
        if (EventConversion.IsEventsV1(r) && Obj.Str(stored, "apiVersion") == "v1")
        {
            return EventConversion.ToEventsV1(stored);
        }

        if (Obj.Str(stored, "apiVersion") == r.ApiVersion && Obj.Str(stored, "kind") == r.Kind)
        {
            return stored;
        }

        var copy = Obj.Clone(stored);
        copy["apiVersion"] = r.ApiVersion;
        copy["kind"] = r.Kind;
        return copy;
    }

    internal static ApiException NotFound(ResourceInfo r, string name) => ApiException.NotFound(r.Plural, name, r.Group);

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

    private static void CheckTypeMeta(ResourceInfo r, JsonObject body)
    {
        var apiVersion = Obj.Str(body, "apiVersion");
        var kind = Obj.Str(body, "kind");
        if (!string.IsNullOrEmpty(kind) && kind != r.Kind)
        {
            throw ApiException.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({r.Kind})");
        }

        if (!string.IsNullOrEmpty(apiVersion) && apiVersion != r.ApiVersion)
        {
            // Other served versions of the same group are converted (None strategy); anything else is a mismatch.
            var group = apiVersion.Contains('/', StringComparison.Ordinal) ? apiVersion[..apiVersion.IndexOf('/', StringComparison.Ordinal)] : string.Empty;
            if (group != r.Group)
            {
                throw ApiException.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({r.ApiVersion})");
            }
        }

        body["apiVersion"] = r.ApiVersion;
        body["kind"] = r.Kind;
    }

    private static void CheckNamespace(ResourceInfo r, string? ns, JsonObject body)
    {
        var bodyNs = Obj.Namespace(body);
        if (r.Namespaced && !string.IsNullOrEmpty(bodyNs) && bodyNs != ns)
        {
            throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }

        if (!r.Namespaced && !string.IsNullOrEmpty(bodyNs))
        {
            // Cluster-scoped objects carry no namespace; the real server drops it silently.
            Obj.Metadata(body).Remove("namespace");
        }
    }

    private static string? NsFor(ResourceInfo r, string? ns) => r.Namespaced ? ns : null;

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

    /// <summary>A write lost a race with another; patches and applies retry, PUTs report 409.</summary>
    private sealed class RetryableConflictException(ResourceInfo r, string name)
        : Exception($"Operation cannot be fulfilled on {r.Plural} \"{name}\": the object has been modified; please apply your changes to the latest version and try again");
}

/// <summary>Kind-specific admission: defaults and side effects that the real server's registry strategies perform.</summary>
public interface IAdmissionHook
{
    void BeforeCreate(ResourceInfo r, JsonObject obj, RequestContext ctx);

    void BeforeUpdate(ResourceInfo r, JsonObject live, JsonObject obj, RequestContext ctx);

    void BeforeDelete(ResourceInfo r, JsonObject obj, List<string> finalizers);

    void AfterWrite(ResourceInfo r, JsonObject stored);
}
