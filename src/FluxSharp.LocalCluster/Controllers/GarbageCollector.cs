using System.Net;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Api;
using FluxSharp.LocalCluster.Objects;
using FluxSharp.LocalCluster.Resources;
using FluxSharp.LocalCluster.Storage;
using Microsoft.Extensions.Logging;

namespace FluxSharp.LocalCluster.Controllers;

/// <summary>
/// ownerReferences garbage collection as kube-controller-manager does it: dependents of a deleted owner are deleted
/// (background); an owner with the foregroundDeletion finalizer waits until its dependents are gone; an owner with the
/// orphan finalizer has its dependents' ownerReferences removed first.
/// </summary>
internal sealed class GarbageCollector : EventLoop
{
    private readonly ResourceService _service;
    private readonly Dictionary<string, HashSet<ObjectRef>> _dependents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ObjectRef> _byUid = new(StringComparer.Ordinal);

    public GarbageCollector(ResourceService service, ILogger logger)
        : base(service.Store, logger)
    {
        _service = service;
    }

    private RequestContext Context => RequestContext.Internal("generic-garbage-collector");

    protected override void Handle(WatchEvent? ev)
    {
        if (ev is null)
        {
            Rebuild();
            return;
        }

        var self = ObjectRef.Of(ev.StorageKey, ev.Object);
        var uid = Obj.Uid(ev.Object);
        if (ev.OldObject is not null)
        {
            Unindex(self, ev.OldObject);
        }

        if (ev.Type == WatchEventType.Deleted)
        {
            if (uid is not null)
            {
                _byUid.Remove(uid);
                DeleteDependents(uid, PropagationPolicy.Background);
            }

            // A dependent gone may release an owner waiting in foreground deletion.
            foreach (var ownerUid in OwnerUids(ev.Object))
            {
                CheckForeground(ownerUid);
            }

            return;
        }

        Index(self, ev.Object);
        if (!Obj.IsDeleting(ev.Object))
        {
            // Owners are indexed before their dependents can name their uid, so an unknown owner uid is an owner
            // that is gone or never existed: the dependent is collected, as the real GC does after verifying absence.
            foreach (var ownerUid in OwnerUids(ev.Object).Where(u => !_byUid.ContainsKey(u)).ToList())
            {
                DeleteDependents(ownerUid, PropagationPolicy.Background);
            }
        }

        if (uid is null || !Obj.IsDeleting(ev.Object))
        {
            return;
        }

        var finalizers = Obj.Finalizers(ev.Object);
        if (finalizers.Contains("orphan"))
        {
            Orphan(uid);
            RemoveFinalizer(self, "orphan");
        }
        else if (finalizers.Contains("foregroundDeletion"))
        {
            DeleteDependents(uid, PropagationPolicy.Foreground);
            CheckForeground(uid);
        }
    }

    private void Rebuild()
    {
        _dependents.Clear();
        _byUid.Clear();
        foreach (var r in _service.Registry.StorageResources())
        {
            var key = ResourceRegistry.StorageKey(r);
            foreach (var o in _service.Store.List(key, null).Items)
            {
                Index(ObjectRef.Of(key, o), o);
            }
        }

        // Dependents whose owners vanished while we were not looking.
        foreach (var (ownerUid, deps) in _dependents.ToList())
        {
            if (!_byUid.ContainsKey(ownerUid) && deps.Count > 0)
            {
                DeleteDependents(ownerUid, PropagationPolicy.Background);
            }
        }
    }

    private void Index(ObjectRef self, JsonObject obj)
    {
        if (Obj.Uid(obj) is { } uid)
        {
            _byUid[uid] = self;
        }

        foreach (var owner in OwnerUids(obj))
        {
            if (!_dependents.TryGetValue(owner, out var set))
            {
                set = [];
                _dependents[owner] = set;
            }

            set.Add(self);
        }
    }

    private void Unindex(ObjectRef self, JsonObject obj)
    {
        foreach (var owner in OwnerUids(obj))
        {
            if (_dependents.TryGetValue(owner, out var set))
            {
                set.Remove(self);
                if (set.Count == 0)
                {
                    _dependents.Remove(owner);
                }
            }
        }
    }

    private static IEnumerable<string> OwnerUids(JsonObject obj) =>
        Obj.At(obj, "metadata", "ownerReferences") is JsonArray refs
            ? refs.OfType<JsonObject>().Select(r => Obj.Str(r, "uid")).OfType<string>()
            : [];

    private void DeleteDependents(string ownerUid, PropagationPolicy policy)
    {
        if (!_dependents.TryGetValue(ownerUid, out var deps))
        {
            return;
        }

        foreach (var dep in deps.ToList())
        {
            var r = Resource(dep);
            var live = r is null ? null : _service.Store.Get(dep.StorageKey, dep.Namespace, dep.Name);
            if (r is null || live is null)
            {
                continue;
            }

            // Other owners still alive keep the dependent; only the reference to the gone owner is dropped.
            var others = OwnerUids(live).Where(u => u != ownerUid && _byUid.ContainsKey(u)).ToList();
            if (others.Count > 0 && policy == PropagationPolicy.Background)
            {
                RemoveOwnerReference(r, live, ownerUid);
                continue;
            }

            if (Obj.IsDeleting(live) && policy == PropagationPolicy.Background)
            {
                continue;
            }

            try
            {
                _service.Delete(r, dep.Namespace, dep.Name, new DeleteOptions(policy), Context);
            }
            catch (ApiException e) when (e.Code is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
            {
                // Already gone or changing: the next event brings us back.
            }
        }
    }

    private void Orphan(string ownerUid)
    {
        if (!_dependents.TryGetValue(ownerUid, out var deps))
        {
            return;
        }

        foreach (var dep in deps.ToList())
        {
            var r = Resource(dep);
            var live = r is null ? null : _service.Store.Get(dep.StorageKey, dep.Namespace, dep.Name);
            if (r is not null && live is not null)
            {
                RemoveOwnerReference(r, live, ownerUid);
            }
        }
    }

    private void RemoveOwnerReference(ResourceInfo r, JsonObject live, string ownerUid)
    {
        var updated = Obj.Clone(live);
        if (Obj.At(updated, "metadata", "ownerReferences") is JsonArray refs)
        {
            foreach (var item in refs.OfType<JsonObject>().Where(x => Obj.Str(x, "uid") == ownerUid).ToList())
            {
                refs.Remove(item);
            }

            if (refs.Count == 0)
            {
                Obj.Metadata(updated).Remove("ownerReferences");
            }
        }

        TryUpdate(r, updated);
    }

    private void CheckForeground(string ownerUid)
    {
        if (!_byUid.TryGetValue(ownerUid, out var owner))
        {
            return;
        }

        var live = _service.Store.Get(owner.StorageKey, owner.Namespace, owner.Name);
        if (live is null || !Obj.IsDeleting(live) || !Obj.Finalizers(live).Contains("foregroundDeletion"))
        {
            return;
        }

        var remaining = _dependents.TryGetValue(ownerUid, out var deps)
            ? deps.Count(d => _service.Store.Get(d.StorageKey, d.Namespace, d.Name) is not null)
            : 0;
        if (remaining == 0)
        {
            RemoveFinalizer(owner, "foregroundDeletion");
        }
    }

    private void RemoveFinalizer(ObjectRef target, string finalizer)
    {
        var r = Resource(target);
        var live = _service.Store.Get(target.StorageKey, target.Namespace, target.Name);
        if (r is null || live is null)
        {
            return;
        }

        var updated = Obj.Clone(live);
        Obj.SetFinalizers(updated, Obj.Finalizers(live).Where(f => f != finalizer));
        TryUpdate(r, updated);
    }

    private void TryUpdate(ResourceInfo r, JsonObject updated)
    {
        try
        {
            _service.Update(r, Obj.Namespace(updated), Obj.Name(updated), updated, Context, null);
        }
        catch (ApiException e) when (e.Code is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
            // Changed meanwhile; its event comes back to us.
        }
    }

    private ResourceInfo? Resource(ObjectRef r) =>
        _service.Registry.StorageResources().FirstOrDefault(x => ResourceRegistry.StorageKey(x) == r.StorageKey);

    private readonly record struct ObjectRef(string StorageKey, string? Namespace, string Name)
    {
        public static ObjectRef Of(string storageKey, JsonObject obj) => new(storageKey, Obj.Namespace(obj), Obj.Name(obj));
    }
}
