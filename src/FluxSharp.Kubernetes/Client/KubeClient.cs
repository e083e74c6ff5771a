using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluxSharp.Api;
using k8s;

namespace FluxSharp.Kubernetes.Client;

/// <summary>A watch event as delivered by the API: ADDED, MODIFIED, DELETED or BOOKMARK with the object.</summary>
public sealed record ResourceEvent(WatchEventType Type, JsonObject Object);

/// <summary>
/// The Kubernetes REST client of the runtime: get, list, watch, create, server-side apply, merge and JSON patch, and
/// delete of any resource by <see cref="ApiResource"/> and namespace/name, JSON in and out. Requests go through the
/// official client's HttpClient and credentials (so kubeconfig TLS and auth apply) without its typed layer, each with
/// a timeout; every error answer is a <see cref="KubeApiException"/> carrying the server's Status.
/// </summary>
public sealed class KubeClient
{
    private readonly HttpClient _http;
    private readonly k8s.Authentication.ServiceClientCredentials? _credentials;
    private readonly string _base;

    public KubeClient(IKubernetes kube, TimeSpan? requestTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(kube);
        if (kube is not k8s.Kubernetes client)
        {
            throw new NotSupportedException($"KubeClient needs the official k8s.Kubernetes client, not {kube.GetType().Name}");
        }

        _http = client.HttpClient;
        _credentials = client.Credentials;
        // Appended, not resolved: a server URL with a path (a proxy's https://host/k8s/clusters/c-1) keeps it.
        _base = kube.BaseUri.AbsoluteUri.TrimEnd('/');
        RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(30);
    }

    /// <summary>How long one request (not a watch stream) may take.</summary>
    public TimeSpan RequestTimeout { get; }

    /// <summary>The collection path, e.g. /apis/apps/v1/namespaces/default/deployments (all namespaces when <paramref name="ns"/> is empty).</summary>
    public static string CollectionPath(ApiResource resource, string? ns)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var prefix = resource.Group.Length == 0 ? $"/api/{resource.Version}" : $"/apis/{resource.Group}/{resource.Version}";
        return resource.Namespaced && !string.IsNullOrEmpty(ns)
            ? $"{prefix}/namespaces/{Uri.EscapeDataString(ns)}/{resource.Plural}"
            : $"{prefix}/{resource.Plural}";
    }

    public static string ObjectPath(ApiResource resource, string? ns, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return $"{CollectionPath(resource, ns)}/{Uri.EscapeDataString(name)}";
    }

    /// <summary>The object, or null when it does not exist.</summary>
    public Task<JsonObject?> GetAsync(ApiResource resource, string? ns, string name, CancellationToken cancellationToken) =>
        GetAsync(ObjectPath(resource, ns, name), cancellationToken);

    /// <summary>GET of any path (discovery documents, objects); null on 404.</summary>
    public async Task<JsonObject?> GetAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await SendAsync(HttpMethod.Get, path, null, null, cancellationToken);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    /// <summary>Every object (pages of 500) and the list's resourceVersion to watch from.</summary>
    public async Task<(List<JsonObject> Items, string ResourceVersion)> ListAsync(ApiResource resource, string? ns, CancellationToken cancellationToken)
    {
        var items = new List<JsonObject>();
        string? continueToken = null;
        string resourceVersion;
        do
        {
            var query = "?limit=500" + (string.IsNullOrEmpty(continueToken) ? string.Empty : "&continue=" + Uri.EscapeDataString(continueToken));
            var page = await SendAsync(HttpMethod.Get, CollectionPath(resource, ns) + query, null, null, cancellationToken);
            if (page["items"] is JsonArray pageItems)
            {
                foreach (var item in pageItems.OfType<JsonObject>().ToList())
                {
                    pageItems.Remove(item);
                    items.Add(item);
                }
            }

            resourceVersion = (string?)page["metadata"]?["resourceVersion"] ?? string.Empty;
            continueToken = (string?)page["metadata"]?["continue"];
        }
        while (!string.IsNullOrEmpty(continueToken));

        return (items, resourceVersion);
    }

    /// <summary>Watches from <paramref name="resourceVersion"/> until the server ends the stream; throws <see cref="ResourceVersionExpiredException"/> on 410.</summary>
    /// <remarks>
    /// The stream is read here, every read with <paramref name="cancellationToken"/>, so that stopping the watch aborts
    /// the read and closes its connection. The official client's watch helpers stop by abandoning a read that stays
    /// pending on the connection: when the server ends the stream soon after, the connection goes back to the pool
    /// with that read still on it, and it swallows the next response sent there (that request then waits for the
    /// client's 100 s timeout).
    /// </remarks>
    public async IAsyncEnumerable<ResourceEvent> WatchAsync(ApiResource resource, string? ns, string resourceVersion, TimeSpan timeout, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var seconds = (int)Math.Max(1, timeout.TotalSeconds);
        var path = FormattableString.Invariant($"{CollectionPath(resource, ns)}?watch=true&allowWatchBookmarks=true&resourceVersion={Uri.EscapeDataString(resourceVersion)}&timeoutSeconds={seconds}");
        using var request = await NewRequestAsync(HttpMethod.Get, path, null, null, cancellationToken);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var error = KubeApiException.FromResponse(response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
            throw response.StatusCode == HttpStatusCode.Gone ? new ResourceVersionExpiredException(error.Message, error) : error;
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

                var ev = JsonNode.Parse(line) as JsonObject ?? throw new KubeApiException($"watch of {resource} sent a line that is not an event");
                var obj = ev["object"] as JsonObject ?? [];
                var type = (string?)ev["type"] switch
                {
                    "ADDED" => WatchEventType.Added,
                    "MODIFIED" => WatchEventType.Modified,
                    "DELETED" => WatchEventType.Deleted,
                    "BOOKMARK" => WatchEventType.Bookmark,
                    "ERROR" => WatchEventType.Error,
                    var other => throw new KubeApiException($"watch of {resource} sent an event of unknown type {other}"),
                };
                if (type == WatchEventType.Error)
                {
                    // An ERROR event carries a Status; 410 means the resourceVersion is too old to watch from.
                    var error = KubeApiException.FromStatus(obj);
                    throw error.Code == HttpStatusCode.Gone ? new ResourceVersionExpiredException(error.Message, error) : error;
                }

                yield return new ResourceEvent(type, obj);
            }
        }
    }

    /// <summary>POST: creates the object in <paramref name="ns"/>.</summary>
    public Task<JsonObject> CreateAsync(ApiResource resource, string? ns, JsonObject obj, string? fieldManager, CancellationToken cancellationToken, bool dryRun = false) =>
        SendAsync(HttpMethod.Post, CollectionPath(resource, ns) + Query(fieldManager, force: false, dryRun), obj, "application/json", cancellationToken);

    /// <summary>Server-side apply of <paramref name="obj"/> as <paramref name="fieldManager"/>.</summary>
    public Task<JsonObject> ApplyAsync(ApiResource resource, string? ns, string name, JsonObject obj, string fieldManager, bool force, CancellationToken cancellationToken, bool dryRun = false) =>
        SendAsync(HttpMethod.Patch, ObjectPath(resource, ns, name) + Query(fieldManager, force, dryRun), obj, "application/apply-patch+yaml", cancellationToken);

    /// <summary>A JSON merge patch (RFC 7386) of the main resource or its status subresource.</summary>
    public Task<JsonObject> MergePatchAsync(ApiResource resource, string? ns, string name, JsonObject patch, bool status, string fieldManager, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Patch, ObjectPath(resource, ns, name) + (status ? "/status" : string.Empty) + Query(fieldManager, force: false, dryRun: false), patch, "application/merge-patch+json", cancellationToken);

    /// <summary>A JSON patch (RFC 6902) of the main resource.</summary>
    public Task<JsonObject> JsonPatchAsync(ApiResource resource, string? ns, string name, JsonArray patch, string fieldManager, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Patch, ObjectPath(resource, ns, name) + Query(fieldManager, force: false, dryRun: false), patch, "application/json-patch+json", cancellationToken);

    /// <summary>
    /// Deletes the object with <paramref name="propagationPolicy"/> (Background, Foreground, Orphan), only if it is
    /// still the one with <paramref name="uid"/> when given; false when it was gone already.
    /// </summary>
    public async Task<bool> DeleteAsync(ApiResource resource, string? ns, string name, string propagationPolicy, string? uid, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["kind"] = "DeleteOptions", ["apiVersion"] = "v1", ["propagationPolicy"] = propagationPolicy };
        if (uid is not null)
        {
            body["preconditions"] = new JsonObject { ["uid"] = uid };
        }

        try
        {
            await SendAsync(HttpMethod.Delete, ObjectPath(resource, ns, name), body, "application/json", cancellationToken);
            return true;
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return false;
        }
    }

    /// <summary>Sends one request within <see cref="RequestTimeout"/>; error answers become <see cref="KubeApiException"/>.</summary>
    public async Task<JsonObject> SendAsync(HttpMethod method, string pathAndQuery, JsonNode? body, string? contentType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pathAndQuery);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            using var request = await NewRequestAsync(method, pathAndQuery, body, contentType, timeout.Token);
            using var response = await _http.SendAsync(request, timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw KubeApiException.FromResponse(response.StatusCode, text);
            }

            try
            {
                return string.IsNullOrWhiteSpace(text) ? [] : JsonNode.Parse(text) as JsonObject ?? [];
            }
            catch (JsonException e)
            {
                throw new KubeApiException($"{method} {pathAndQuery}: the answer is not JSON: {e.Message}", e);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{method} {pathAndQuery} timed out after {RequestTimeout.TotalSeconds:0}s");
        }
    }

    private async Task<HttpRequestMessage> NewRequestAsync(HttpMethod method, string pathAndQuery, JsonNode? body, string? contentType, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, new Uri(_base + pathAndQuery));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType ?? "application/json");
        }

        if (_credentials is not null)
        {
            await _credentials.ProcessHttpRequestAsync(request, cancellationToken);
        }

        return request;
    }

    private static string Query(string? fieldManager, bool force, bool dryRun)
    {
        var parts = new List<string>(3);
        if (!string.IsNullOrEmpty(fieldManager))
        {
            parts.Add("fieldManager=" + Uri.EscapeDataString(fieldManager));
        }

        if (force)
        {
            parts.Add("force=true");
        }

        if (dryRun)
        {
            parts.Add("dryRun=All");
        }

        return parts.Count == 0 ? string.Empty : "?" + string.Join('&', parts);
    }
}
