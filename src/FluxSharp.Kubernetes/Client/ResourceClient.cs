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
                ? await _kube.CustomObjects.ListClusterCustomObjectAsync(Resource.Group, Resource.Version, Resource.Plural, continueParameter: continueToken, limit: 500, cancellationToken: cancellationToken)
                : await _kube.CustomObjects.ListNamespacedCustomObjectAsync(Resource.Group, Resource.Version, ns, Resource.Plural, continueParameter: continueToken, limit: 500, cancellationToken: cancellationToken));
            items.AddRange((page["items"] as JsonArray ?? []).OfType<JsonObject>().Select(i => (JsonObject)i.DeepClone()));
            resourceVersion = (string?)page["metadata"]?["resourceVersion"] ?? string.Empty;
            continueToken = (string?)page["metadata"]?["continue"];
        }
        while (!string.IsNullOrEmpty(continueToken));

        return (items, resourceVersion);
    }

    /// <summary>Watches from <paramref name="resourceVersion"/> until the server ends the stream; throws <see cref="ResourceVersionExpiredException"/> on 410.</summary>
    /// <remarks>
    /// The request goes through the official client's HttpClient and credentials, but the stream is read here, every
    /// read with <paramref name="cancellationToken"/>, so that stopping the watch aborts the read and closes its
    /// connection. The client's own watch helpers stop by abandoning a read that stays pending on the connection: when
    /// the server ends the stream soon after, the connection goes back to the pool with that read still on it, and it
    /// swallows the next response sent there (that request then waits for the client's 100 s timeout).
    /// </remarks>
    public async IAsyncEnumerable<ResourceEvent> WatchAsync(string? ns, string resourceVersion, TimeSpan timeout, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var kube = _kube as k8s.Kubernetes ?? throw new NotSupportedException($"watching {Resource} needs a k8s.Kubernetes client");
        var seconds = (int)Math.Max(1, timeout.TotalSeconds);
        // Appended, not resolved: a server URL with a path (a proxy's https://host/k8s/clusters/c-1) keeps it.
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(kube.BaseUri.AbsoluteUri.TrimEnd('/') + "/" + WatchPath(ns, resourceVersion, seconds)));
        if (kube.Credentials is { } credentials)
        {
            await credentials.ProcessHttpRequestAsync(request, cancellationToken);
        }

        using var response = await kube.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode == HttpStatusCode.Gone)
            {
                throw new ResourceVersionExpiredException(StatusMessage(text) ?? "resource version expired");
            }

            throw new HttpOperationException($"watch of {Resource} failed: {(int)response.StatusCode} {StatusMessage(text) ?? response.ReasonPhrase}")
            {
                Request = new HttpRequestMessageWrapper(request, string.Empty),
                Response = new HttpResponseMessageWrapper(response, text),
            };
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await using (stream)
        {
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                var ev = JsonNode.Parse(line) as JsonObject ?? throw new HttpRequestException($"watch of {Resource} sent a line that is not an event");
                var obj = ev["object"] as JsonObject ?? [];
                var type = (string?)ev["type"] switch
                {
                    "ADDED" => WatchEventType.Added,
                    "MODIFIED" => WatchEventType.Modified,
                    "DELETED" => WatchEventType.Deleted,
                    "BOOKMARK" => WatchEventType.Bookmark,
                    "ERROR" => WatchEventType.Error,
                    var other => throw new HttpRequestException($"watch of {Resource} sent an event of unknown type {other}"),
                };
                if (type == WatchEventType.Error)
                {
                    // An ERROR event carries a Status; 410 means the resourceVersion is too old to watch from.
                    if ((int?)obj["code"] == 410)
                    {
                        throw new ResourceVersionExpiredException((string?)obj["message"] ?? "resource version expired");
                    }

                    throw new HttpRequestException($"watch of {Resource} failed: {(string?)obj["message"]}");
                }

                yield return new ResourceEvent(type, obj);
            }
        }
    }

    public async Task<JsonObject?> GetAsync(string? ns, string name, CancellationToken cancellationToken)
    {
        try
        {
            return ToObject(ns is null
                ? await _kube.CustomObjects.GetClusterCustomObjectAsync(Resource.Group, Resource.Version, Resource.Plural, name, cancellationToken)
                : await _kube.CustomObjects.GetNamespacedCustomObjectAsync(Resource.Group, Resource.Version, ns, Resource.Plural, name, cancellationToken));
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
            (null, false) => await _kube.CustomObjects.PatchClusterCustomObjectAsync(body, Resource.Group, Resource.Version, Resource.Plural, name, fieldManager: fieldManager, cancellationToken: cancellationToken),
            (null, true) => await _kube.CustomObjects.PatchClusterCustomObjectStatusAsync(body, Resource.Group, Resource.Version, Resource.Plural, name, fieldManager: fieldManager, cancellationToken: cancellationToken),
            (_, false) => await _kube.CustomObjects.PatchNamespacedCustomObjectAsync(body, Resource.Group, Resource.Version, ns, Resource.Plural, name, fieldManager: fieldManager, cancellationToken: cancellationToken),
            (_, true) => await _kube.CustomObjects.PatchNamespacedCustomObjectStatusAsync(body, Resource.Group, Resource.Version, ns, Resource.Plural, name, fieldManager: fieldManager, cancellationToken: cancellationToken),
        };
        return ToObject(result);
    }

    private static string? StatusMessage(string text)
    {
        try
        {
            return (string?)(JsonNode.Parse(text) as JsonObject)?["message"];
        }
        catch (JsonException)
        {
            return string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        }
    }

    private string WatchPath(string? ns, string resourceVersion, int timeoutSeconds)
    {
        var groupVersion = Resource.Group.Length == 0 ? $"api/{Resource.Version}" : $"apis/{Resource.Group}/{Resource.Version}";
        var scope = ns is null ? string.Empty : $"namespaces/{Uri.EscapeDataString(ns)}/";
        return FormattableString.Invariant($"{groupVersion}/{scope}{Resource.Plural}?watch=true&allowWatchBookmarks=true&resourceVersion={Uri.EscapeDataString(resourceVersion)}&timeoutSeconds={timeoutSeconds}");
    }

    private static JsonObject ToObject(object response) => response switch
    {
        JsonElement e => JsonNode.Parse(e.GetRawText()) as JsonObject ?? [],
        JsonObject o => o,
        _ => JsonNode.Parse(KubernetesJson.Serialize(response)) as JsonObject ?? [],
    };
}
