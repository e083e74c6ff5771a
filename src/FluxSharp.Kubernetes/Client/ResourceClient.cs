using System.Text.Json.Nodes;
using FluxSharp.Api;
using k8s;

namespace FluxSharp.Kubernetes.Client;

/// <summary>
/// <see cref="KubeClient"/> bound to one resource (as client-go's dynamic client's Resource(gvr)): list, watch, get,
/// create, apply, merge patch and delete of its objects as JSON. Typed views are made by the caller.
/// </summary>
public sealed class ResourceClient
{
    public ResourceClient(KubeClient client, ApiResource resource)
    {
        Client = client ?? throw new ArgumentNullException(nameof(client));
        Resource = resource ?? throw new ArgumentNullException(nameof(resource));
    }

    public ResourceClient(IKubernetes kube, ApiResource resource)
        : this(new KubeClient(kube), resource)
    {
    }

    public KubeClient Client { get; }

    public ApiResource Resource { get; }

    public Task<(List<JsonObject> Items, string ResourceVersion)> ListAsync(string? ns, CancellationToken cancellationToken) =>
        Client.ListAsync(Resource, ns, cancellationToken);

    /// <inheritdoc cref="KubeClient.WatchAsync"/>
    public IAsyncEnumerable<ResourceEvent> WatchAsync(string? ns, string resourceVersion, TimeSpan timeout, CancellationToken cancellationToken) =>
        Client.WatchAsync(Resource, ns, resourceVersion, timeout, cancellationToken);

    /// <summary>The object, or null when it does not exist.</summary>
    public Task<JsonObject?> GetAsync(string? ns, string name, CancellationToken cancellationToken) =>
        Client.GetAsync(Resource, ns, name, cancellationToken);

    public Task<JsonObject> CreateAsync(string? ns, JsonObject obj, string? fieldManager, CancellationToken cancellationToken) =>
        Client.CreateAsync(Resource, ns, obj, fieldManager, cancellationToken);

    /// <summary>Server-side apply of <paramref name="obj"/> as <paramref name="fieldManager"/>.</summary>
    public Task<JsonObject> ApplyAsync(string? ns, string name, JsonObject obj, string fieldManager, bool force, CancellationToken cancellationToken) =>
        Client.ApplyAsync(Resource, ns, name, obj, fieldManager, force, cancellationToken);

    /// <summary>A JSON merge patch of the main resource or its status subresource.</summary>
    public Task<JsonObject> MergePatchAsync(string? ns, string name, JsonObject patch, bool status, string fieldManager, CancellationToken cancellationToken) =>
        Client.MergePatchAsync(Resource, ns, name, patch, status, fieldManager, cancellationToken);

    /// <summary>Deletes the object (background propagation); false when it was gone already.</summary>
    public Task<bool> DeleteAsync(string? ns, string name, CancellationToken cancellationToken, string propagationPolicy = "Background") =>
        Client.DeleteAsync(Resource, ns, name, propagationPolicy, null, cancellationToken);
}
