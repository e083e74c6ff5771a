using System.Text.Json.Nodes;
using FluxSharp.Api;
using FluxSharp.Cli.Flux;
using FluxSharp.Kubernetes.Client;

namespace FluxSharp.Cli.Install;

/// <summary>
/// Removes FluxSharp as flux uninstall does, in an order that leaves the user's workloads in place: the manager goes
/// first (so nothing prunes or re-adds a finalizer), then FluxSharp's objects lose their finalizers and are deleted,
/// then Services, policies, RBAC and CRDs, then the namespace unless kept. With dryRun nothing changes; each line
/// says what would go.
/// </summary>
internal sealed class Uninstaller(KubeClient client, string ns, bool dryRun)
{
    private readonly string _verb = dryRun ? "would be deleted" : "deleted";

    public async Task RunAsync(bool keepNamespace, CancellationToken cancellationToken)
    {
        Log.Action($"deleting components in {ns} namespace");
        await DeleteInstalledAsync(InstallResources.Deployments, cancellationToken);
        Log.Action("deleting toolkit.fluxcd.io finalizers in all namespaces");
        await DeleteFluxObjectsAsync(cancellationToken);
        foreach (var resource in InstallResources.DeleteOrder.Where(r => r != InstallResources.Deployments && r != InstallResources.Crds))
        {
            await DeleteInstalledAsync(resource, cancellationToken);
        }

        Log.Action("deleting toolkit.fluxcd.io custom resource definitions");
        await DeleteInstalledAsync(InstallResources.Crds, cancellationToken);
        if (!keepNamespace && await DeleteAsync(InstallResources.Namespaces, null, ns, cancellationToken))
        {
            Log.Success($"Namespace/{ns} {_verb}");
        }
    }

    /// <summary>Every object of FluxSharp's kinds in all namespaces: finalizers removed (so no controller work runs on delete), then deleted.</summary>
    private async Task DeleteFluxObjectsAsync(CancellationToken cancellationToken)
    {
        foreach (var resource in FluxResources.Served)
        {
            List<JsonObject> items;
            try
            {
                items = (await client.ListAsync(resource, null, cancellationToken)).Items;
            }
            catch (KubeApiException e) when (e.IsNotFound)
            {
                // The CRD is gone already (a re-run after a partial uninstall): nothing of this kind is left.
                continue;
            }

            foreach (var item in items)
            {
                var name = (string)item["metadata"]!["name"]!;
                var itemNs = (string?)item["metadata"]!["namespace"];
                var display = $"{resource.Kind}/{itemNs}/{name}";
                if (item["metadata"]?["finalizers"] is JsonArray { Count: > 0 })
                {
                    if (!dryRun)
                    {
                        await Guard(display, () => client.MergePatchAsync(resource, itemNs, name, new JsonObject { ["metadata"] = new JsonObject { ["finalizers"] = null } }, status: false, ComponentManifests.FieldManager, cancellationToken));
                    }

                    Log.Success($"{display} finalizers {_verb}");
                }

                if (await DeleteAsync(resource, itemNs, name, cancellationToken))
                {
                    Log.Success($"{display} {_verb}");
                }
            }
        }
    }

    /// <summary>The objects of one kind an install made (Flux's part-of and instance labels), deleted.</summary>
    private async Task DeleteInstalledAsync(ApiResource resource, CancellationToken cancellationToken)
    {
        var path = KubeClient.CollectionPath(resource, resource.Namespaced ? ns : null) + "?labelSelector="
            + Uri.EscapeDataString(resource == InstallResources.Crds ? InstallResources.CrdSelector : InstallResources.Selector(ns));
        JsonObject list;
        try
        {
            list = await client.SendAsync(HttpMethod.Get, path, null, null, cancellationToken);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return;
        }

        foreach (var item in (list["items"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = (string)item["metadata"]!["name"]!;
            if (await DeleteAsync(resource, resource.Namespaced ? ns : null, name, cancellationToken))
            {
                Log.Success($"{resource.Kind}/{(resource.Namespaced ? $"{ns}/{name}" : name)} {_verb}");
            }
        }
    }

    /// <summary>Deletes one object (or, on a dry run, only says so); false when it was not there.</summary>
    private async Task<bool> DeleteAsync(ApiResource resource, string? objectNs, string name, CancellationToken cancellationToken)
    {
        if (dryRun)
        {
            return await client.GetAsync(resource, objectNs, name, cancellationToken) is not null;
        }

        return await Guard($"{resource.Kind}/{name}", () => client.DeleteAsync(resource, objectNs, name, "Background", null, cancellationToken));
    }

    private static async Task<T> Guard<T>(string what, Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (KubeApiException.From(e) is { IsNotFound: false } api)
        {
            throw new CliException($"deleting {what} failed: {api.Message}");
        }
    }
}
