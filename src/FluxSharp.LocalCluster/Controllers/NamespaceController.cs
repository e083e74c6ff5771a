using System.Net;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Api;
using FluxSharp.LocalCluster.Objects;
using FluxSharp.LocalCluster.Resources;
using FluxSharp.LocalCluster.Storage;
using Microsoft.Extensions.Logging;

namespace FluxSharp.LocalCluster.Controllers;

/// <summary>
/// Namespace lifecycle as kube-controller-manager runs it: a new namespace gets its "default" ServiceAccount;
/// a terminating namespace has all its contents deleted, and once empty its spec.finalizers are cleared so it goes.
/// </summary>
internal sealed class NamespaceController : EventLoop
{
    private const string NamespacesKey = "/namespaces";
    private readonly ResourceService _service;

    public NamespaceController(ResourceService service, ILogger logger)
        : base(service.Store, logger)
    {
        _service = service;
    }

    private RequestContext Context => RequestContext.Internal("namespace-controller");

    protected override void Handle(WatchEvent? ev)
    {
        if (ev is null)
        {
            foreach (var ns in _service.Store.List(NamespacesKey, null).Items)
            {
                Reconcile(Obj.Name(ns));
            }

            return;
        }

        if (ev.StorageKey == NamespacesKey)
        {
            if (ev.Type != WatchEventType.Deleted)
            {
                Reconcile(Obj.Name(ev.Object));
            }

            return;
        }

        // Something in a terminating namespace went away: maybe it is empty now.
        if (ev.Type == WatchEventType.Deleted && Obj.Namespace(ev.Object) is { } objectNs)
        {
            var ns = _service.Store.Get(NamespacesKey, null, objectNs);
            if (ns is not null && Obj.IsDeleting(ns))
            {
                Reconcile(objectNs);
            }
        }
    }

    private void Reconcile(string name)
    {
        var ns = _service.Store.Get(NamespacesKey, null, name);
        if (ns is null)
        {
            return;
        }

        if (!Obj.IsDeleting(ns))
        {
            EnsureDefaultServiceAccount(name);
            return;
        }

        var remaining = 0;
        foreach (var r in _service.Registry.StorageResources().Where(r => r.Namespaced))
        {
            foreach (var o in _service.Store.List(ResourceRegistry.StorageKey(r), name).Items)
            {
                remaining++;
                if (Obj.IsDeleting(o))
                {
                    continue;
                }

                try
                {
                    _service.Delete(r, name, Obj.Name(o), new DeleteOptions(PropagationPolicy.Background), Context);
                }
                catch (ApiException e) when (e.Code is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
                {
                    // Gone or changing meanwhile.
                }
            }
        }

        if (remaining > 0 && AnyLeft(name))
        {
            return;
        }

        var nsResource = _service.Registry.Find(string.Empty, "v1", "namespaces")!;
        var updated = Obj.Clone(ns);
        if (updated["spec"] is JsonObject spec)
        {
            spec.Remove("finalizers");
        }

        try
        {
            _service.Update(nsResource, null, name, updated, Context, null);
        }
        catch (ApiException e) when (e.Code is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
            // Changed meanwhile; its event brings us back.
        }
    }

    private bool AnyLeft(string ns) =>
        _service.Registry.StorageResources().Where(r => r.Namespaced).Any(r => _service.Store.List(ResourceRegistry.StorageKey(r), ns).Items.Count > 0);

    private void EnsureDefaultServiceAccount(string ns)
    {
        var sa = _service.Registry.Find(string.Empty, "v1", "serviceaccounts")!;
        if (_service.Store.Get(ResourceRegistry.StorageKey(sa), ns, "default") is not null)
        {
            return;
        }

        try
        {
            _service.Create(sa, ns, new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ServiceAccount", ["metadata"] = new JsonObject { ["name"] = "default" } }, Context);
        }
        catch (ApiException e) when (e.Code is HttpStatusCode.Conflict or HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
        {
            // Exists already, or the namespace is going away.
        }
    }
}
