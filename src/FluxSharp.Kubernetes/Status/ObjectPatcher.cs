using System.Text.Json.Nodes;
using FluxSharp.Api;
using FluxSharp.Kubernetes.Client;
using k8s;
using k8s.Models;

namespace FluxSharp.Kubernetes.Status;

/// <summary>
/// Writes what a reconcile decided: the status subresource as a minimal JSON merge patch (only what changed,
/// removed fields as null) and finalizers on the object. Our own writes never change the generation, so they
/// don't trigger another reconcile.
/// </summary>
public sealed class ObjectPatcher
{
    private readonly ResourceClient _client;
    private readonly string _fieldManager;

    public ObjectPatcher(IKubernetes kube, ApiResource resource, string fieldManager)
    {
        _client = new ResourceClient(kube, resource);
        _fieldManager = fieldManager;
    }

    /// <summary>Patches status from <paramref name="before"/> to <paramref name="after"/>; does nothing when equal.</summary>
    public async Task PatchStatusAsync<TStatus>(IKubernetesObject<V1ObjectMeta> obj, TStatus? before, TStatus after, CancellationToken cancellationToken)
        where TStatus : class
    {
        ArgumentNullException.ThrowIfNull(after);
        await PatchStatusAsync(obj, before is null ? null : ToJson(before), ToJson(after), cancellationToken);
    }

    /// <summary>Patches status from one JSON document to another; does nothing when equal.</summary>
    public async Task PatchStatusAsync(IKubernetesObject<V1ObjectMeta> obj, JsonObject? before, JsonObject after, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var diff = MergePatch.Diff(before, after);
        if (diff is null)
        {
            return;
        }

        await _client.MergePatchAsync(obj.Metadata.NamespaceProperty, obj.Metadata.Name, new JsonObject { ["status"] = diff }, status: true, _fieldManager, cancellationToken);
    }

    public Task AddFinalizerAsync(IKubernetesObject<V1ObjectMeta> obj, string finalizer, CancellationToken cancellationToken) =>
        SetFinalizersAsync(obj, (obj.Metadata.Finalizers ?? []).Append(finalizer).Distinct(StringComparer.Ordinal), cancellationToken);

    public Task RemoveFinalizerAsync(IKubernetesObject<V1ObjectMeta> obj, string finalizer, CancellationToken cancellationToken) =>
        SetFinalizersAsync(obj, (obj.Metadata.Finalizers ?? []).Where(f => f != finalizer), cancellationToken);

    private async Task SetFinalizersAsync(IKubernetesObject<V1ObjectMeta> obj, IEnumerable<string> finalizers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var list = finalizers.ToList();

        // The resourceVersion makes this a compare-and-swap: finalizers are a list, and merge patch replaces lists.
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["resourceVersion"] = obj.Metadata.ResourceVersion,
                ["finalizers"] = list.Count == 0 ? null : new JsonArray(list.Select(f => (JsonNode?)JsonValue.Create(f)).ToArray()),
            },
        };
        var updated = await _client.MergePatchAsync(obj.Metadata.NamespaceProperty, obj.Metadata.Name, patch, status: false, _fieldManager, cancellationToken);
        obj.Metadata.ResourceVersion = (string?)updated["metadata"]?["resourceVersion"];
        obj.Metadata.Finalizers = list;
    }

    /// <summary>A value as the API server sees it (KubernetesJson's names and formats).</summary>
    public static JsonObject ToJson(object value) => ToJsonNode(value) as JsonObject ?? [];

    public static JsonNode? ToJsonNode(object value) => JsonNode.Parse(KubernetesJson.Serialize(value));
}
