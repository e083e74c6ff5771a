using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;

namespace FluxSharp.Kubernetes.Apply;

/// <summary>An error answer of the API server (a metav1.Status), with its code, reason and causes.</summary>
public sealed class KubeApiException : Exception
{
    public KubeApiException(HttpStatusCode code, string reason, string message, IReadOnlyList<string>? causes = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Causes = causes ?? [];
    }

    public KubeApiException()
        : this(HttpStatusCode.InternalServerError, "InternalError", "internal error")
    {
    }

    public KubeApiException(string message)
        : this(HttpStatusCode.InternalServerError, "InternalError", message)
    {
    }

    public KubeApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = HttpStatusCode.InternalServerError;
        Reason = "InternalError";
        Causes = [];
    }

    public HttpStatusCode Code { get; }

    /// <summary>metav1.StatusReason: NotFound, AlreadyExists, Conflict, Invalid, Forbidden...</summary>
    public string Reason { get; }

    /// <summary>The types of details.causes (e.g. FieldManagerConflict, FieldValueInvalid).</summary>
    public IReadOnlyList<string> Causes { get; }

    public bool IsNotFound => Code == HttpStatusCode.NotFound;
}

/// <summary>
/// Raw REST calls through the official client's HttpClient and credentials (so kubeconfig TLS and auth apply),
/// for what the typed client cannot express generically: discovery of any group-version, and get, apply,
/// JSON patch and delete of any kind as JSON.
/// </summary>
public sealed class KubeRestClient
{
    private readonly HttpClient _http;
    private readonly k8s.Authentication.ServiceClientCredentials? _credentials;
    private readonly string _base;

    public KubeRestClient(IKubernetes kube, TimeSpan? requestTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(kube);
        if (kube is not k8s.Kubernetes client)
        {
            throw new NotSupportedException($"KubeRestClient needs the official k8s.Kubernetes client, not {kube.GetType().Name}");
        }

        _http = client.HttpClient;
        _credentials = client.Credentials;
        _base = kube.BaseUri.ToString().TrimEnd('/');
        RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(30);
    }

    public TimeSpan RequestTimeout { get; }

    /// <summary>GET; null on 404.</summary>
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

    /// <summary>Sends one request; non-success answers become <see cref="KubeApiException"/>.</summary>
    public async Task<JsonObject> SendAsync(HttpMethod method, string pathAndQuery, JsonNode? body, string? contentType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pathAndQuery);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        using var request = new HttpRequestMessage(method, new Uri(_base + pathAndQuery));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType ?? "application/json");
        }

        if (_credentials is not null)
        {
            await _credentials.ProcessHttpRequestAsync(request, timeout.Token);
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{method} {pathAndQuery} timed out after {RequestTimeout.TotalSeconds:0}s");
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                return string.IsNullOrWhiteSpace(text) ? [] : JsonNode.Parse(text) as JsonObject ?? [];
            }

            throw ToException(response.StatusCode, text);
        }
    }

    private static KubeApiException ToException(HttpStatusCode code, string text)
    {
        try
        {
            if (JsonNode.Parse(text) is JsonObject status && (string?)status["kind"] == "Status")
            {
                var causes = (status["details"]?["causes"] as JsonArray ?? []).OfType<JsonObject>().Select(c => (string?)c["reason"] ?? string.Empty).ToList();
                return new KubeApiException(code, (string?)status["reason"] ?? code.ToString(), (string?)status["message"] ?? text, causes);
            }
        }
        catch (JsonException)
        {
            // Not a Status: use the text as it is.
        }

        return new KubeApiException(code, code.ToString(), string.IsNullOrWhiteSpace(text) ? $"the server answered {(int)code}" : text.Trim());
    }
}
