using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace FluxSharp.Kubernetes.Client;

/// <summary>A watch event as delivered by the API: ADDED, MODIFIED, DELETED or BOOKMARK with the object.</summary>
public sealed record ResourceEvent(WatchEventType Type, JsonObject Object);

/// <summary>The watch's resourceVersion is too old (410 Gone): the caller must list again.</summary>
public sealed class ResourceVersionExpiredException(string message) : Exception(message);

/// <summary>
/// List, watch, get and patch of any custom resource as JSON, through the official client (so its
/// authentication and TLS settings apply). Objects stay JSON here; typed views are made by the caller.
/// </summary>
public sealed class ResourceClient
{
    private readonly IKubernetes _kube;

    public ResourceClient(IKubernetes kube, ApiResource resource)
    {
        _kube = kube;
        Resource = resource;
    }

    public ApiResource Resource { get; }

    public async Task<(List<JsonObject> Items, string ResourceVersion)> ListAsync(string? ns, CancellationToken cancellationToken)
    {
        var items = new List<JsonObject>();
        string? continueToken = null;
        string resourceVersion;
        do
        {
            var page = ToObject(ns is null
                ? await _kube.CustomObjects.ListClusterCustomObjectAsync(Resource.Group, Resource.Version, Resource.Plural, continueParameter: continueToken, limit: 500, cancellationToken: cancellationToken).ConfigureAwait(false)
                : await _kube.CustomObjects.ListNamespacedCustomObjectAsync(Resource.Group, Resource.Version, ns, Resource.Plural, continueParameter: continueToken, limit: 500, cancellationToken: cancellationToken).ConfigureAwait(false));
            items.AddRange((page["items"] as JsonArray ?? []).OfType<JsonObject>().Select(i => (JsonObject)i.DeepClone()));
            resourceVersion = (string?)page["metadata"]?["resourceVersion"] ?? string.Empty;
            continueToken = (string?)page["metadata"]?["continue"];
        }
        while (!string.IsNullOrEmpty(continueToken));

        return (items, resourceVersion);
    }

    /// <summary>Watches from <paramref name="resourceVersion"/> until the server ends the stream; throws <see cref="ResourceVersionExpiredException"/> on 410.</summary>
    public async IAsyncEnumerable<ResourceEvent> WatchAsync(string? ns, string resourceVersion, TimeSpan timeout, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var seconds = (int)Math.Max(1, timeout.TotalSeconds);
        Exception? failure = null;
        var stream = ns is null
            ? _kube.CustomObjects.WatchListClusterCustomObjectAsync(Resource.Group, Resource.Version, Resource.Plural, allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: seconds, onError: e => failure = e, cancellationToken: cancellationToken)
            : _kube.CustomObjects.WatchListNamespacedCustomObjectAsync(Resource.Group, Resource.Version, ns, Resource.Plural, allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: seconds, onError: e => failure = e, cancellationToken: cancellationToken);
        await foreach (var (type, element) in stream.ConfigureAwait(false))
        {
            var obj = ToObject(element);
            if (type == WatchEventType.Error)
            {
                var code = (int?)obj["code"];
                if (code == 410)
                {
                    throw new ResourceVersionExpiredException((string?)obj["message"] ?? "resource version expired");
                }

                throw new HttpOperationException($"watch of {Resource} failed: {(string?)obj["message"]}");
            }

            yield return new ResourceEvent(type, obj);
        }

        switch (failure)
        {
            // The client reports an ERROR event carrying a Status as a KubernetesException.
            case KubernetesException { Status.Code: 410 }:
            case HttpOperationException { Response.StatusCode: HttpStatusCode.Gone }:
                throw new ResourceVersionExpiredException(failure.Message);
            case KubernetesException or HttpOperationException:
                throw new HttpRequestException($"watch of {Resource} failed: {failure.Message}", failure);
        }
    }

    public async Task<JsonObject?> GetAsync(string? ns, string name, CancellationToken cancellationToken)
    {
        try
        {
            return ToObject(ns is null
                ? await _kube.CustomObjects.GetClusterCustomObjectAsync(Resource.Group, Resource.Version, Resource.Plural, name, cancellationToken).ConfigureAwait(false)
                : await _kube.CustomObjects.GetNamespacedCustomObjectAsync(Resource.Group, Resource.Version, ns, Resource.Plural, name, cancellationToken).ConfigureAwait(false));
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>A JSON merge patch of the main resource or its status subresource.</summary>
    public async Task<JsonObject> MergePatchAsync(string? ns, string name, JsonObject patch, bool status, string fieldManager, CancellationToken cancellationToken)
    {
        var body = new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch);
        object result = (ns, status) switch
        {
            (null, false) => await _kube.CustomObjects.PatchClusterCustomObjectAsync(body, Resource.Group, Resource.Version, Resource.Plural, name, fieldManager: fieldManager, cancellationToken: cancellationToken).ConfigureAwait(false),
            (null, true) => await _kube.CustomObjects.PatchClusterCustomObjectStatusAsync(body, Resource.Group, Resource.Version, Resource.Plural, name, fieldManager: fieldManager, cancellationToken: cancellationToken).ConfigureAwait(false),
            (_, false) => await _kube.CustomObjects.PatchNamespacedCustomObjectAsync(body, Resource.Group, Resource.Version, ns, Resource.Plural, name, fieldManager: fieldManager, cancellationToken: cancellationToken).ConfigureAwait(false),
            (_, true) => await _kube.CustomObjects.PatchNamespacedCustomObjectStatusAsync(body, Resource.Group, Resource.Version, ns, Resource.Plural, name, fieldManager: fieldManager, cancellationToken: cancellationToken).ConfigureAwait(false),
        };
        return ToObject(result);
    }

    private static JsonObject ToObject(object response) => response switch
    {
        JsonElement e => JsonNode.Parse(e.GetRawText()) as JsonObject ?? [],
        JsonObject o => o,
        _ => JsonNode.Parse(KubernetesJson.Serialize(response)) as JsonObject ?? [],
    };
}
