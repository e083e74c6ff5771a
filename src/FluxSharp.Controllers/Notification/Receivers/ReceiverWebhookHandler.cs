using System.Text;
using System.Text.Json.Nodes;
using FluxSharp.Api;
using FluxSharp.Api.Notification.V1;
using FluxSharp.Kubernetes.Client;
using FluxSharp.Kubernetes.Status;
using k8s;
using Microsoft.Extensions.Logging;

namespace FluxSharp.Controllers.Notification.Receivers;

/// <summary>
/// The receiver server's one route, <c>/hook/&lt;digest&gt;</c>, as notification-controller answers it: 413 for a body
/// over 3 MiB, 404 when no Receiver has that status.webhookPath, 503 while it is suspended or not Ready, 400 when the
/// call fails its type's check (signature, token, event, payload), 500 when a resource cannot be annotated, else 200
/// after every listed resource got <c>reconcile.fluxcd.io/requestedAt</c>. Any method is handled, as Flux does.
/// A rejected call changes nothing. Tokens, signatures and paths are never logged.
/// </summary>
public sealed partial class ReceiverWebhookHandler
{
    /// <summary>The largest body accepted (notification-controller's maxRequestSizeBytes).</summary>
    public const int MaxBodyBytes = 3 * 1024 * 1024;

    private static readonly ApiResource Secrets = new(string.Empty, "v1", "secrets", "Secret");

    private readonly KubeClient _client;
    private readonly ReconcileRequester _requester;
    private readonly string? _namespace;
    private readonly ILogger _logger;

    public ReceiverWebhookHandler(IKubernetes kube, string? watchNamespace, ILogger logger, TimeProvider? time = null)
    {
        _client = new KubeClient(kube);
        _requester = new ReconcileRequester(_client, new ResourceMapper(_client), time ?? TimeProvider.System);
        _namespace = watchNamespace;
        _logger = logger;
    }

    /// <summary>Reads at most <see cref="MaxBodyBytes"/> + 1 bytes; null when the body is larger.</summary>
    public static async Task<byte[]?> ReadBodyAsync(Stream body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBodyBytes)
            {
                return null;
            }
        }

        return buffer.ToArray();
    }

    /// <summary>Handles one call; returns the HTTP status code to answer.</summary>
    public async Task<int> HandleAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Body.Length > MaxBodyBytes)
        {
            LogTooLarge(_logger, MaxBodyBytes);
            return 413;
        }

        Receiver? receiver;
        try
        {
            receiver = await FindAsync(request.RequestUri, cancellationToken);
        }
        catch (Exception e) when (e is KubeApiException or TimeoutException or HttpRequestException)
        {
            LogListFailed(_logger, e.Message);
            return 500;
        }

        if (receiver is null)
        {
            return 404;
        }

        var ns = receiver.Metadata.NamespaceProperty;
        var name = receiver.Metadata.Name;
        if (receiver.Spec.Suspend == true || !Conditions.IsTrue(receiver.Status?.Conditions ?? [], ConditionTypes.Ready))
        {
            LogUnavailable(_logger, ns, name, receiver.Spec.Suspend == true ? "suspended" : "not ready");
            return 503;
        }

        byte[] payload;
        try
        {
            var token = await TokenAsync(receiver, cancellationToken);
            payload = ReceiverPayloadVerifier.Verify(receiver, token, request);
        }
        catch (WebhookRejectedException e)
        {
            LogRejected(_logger, ns, name, e.Message);
            return 400;
        }

        LogAccepted(_logger, ns, name, receiver.Spec.Type);
        List<Func<JsonObject, bool>> accepts;
        try
        {
            accepts = Filters(receiver, payload, request);
        }
        catch (FormatException e)
        {
            LogFilterFailed(_logger, ns, name, e.Message);
            return 500;
        }

        var failed = false;
        for (var i = 0; i < receiver.Spec.Resources.Count; i++)
        {
            var resource = receiver.Spec.Resources[i];
            try
            {
                foreach (var annotated in await _requester.RequestAsync(resource, ns, accepts[i], cancellationToken))
                {
                    LogAnnotated(_logger, ns, name, annotated);
                }
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or KubeApiException or TimeoutException or HttpRequestException)
            {
                LogRequestFailed(_logger, ns, name, $"{resource.Kind}/{resource.Name}", e.Message);
                failed = true;
            }
        }

        return failed ? 500 : 200;
    }

    /// <summary>The filters of each resource: spec.resourceFilter and then its own filter; all must accept.</summary>
    private static List<Func<JsonObject, bool>> Filters(Receiver receiver, byte[] payload, WebhookRequest request)
    {
        var resources = receiver.Spec.Resources;
        if (string.IsNullOrEmpty(receiver.Spec.ResourceFilter) && resources.All(r => string.IsNullOrEmpty(r.Filter)))
        {
            return resources.Select(_ => (Func<JsonObject, bool>)(_ => true)).ToList();
        }

        var req = ReceiverResourceFilter.Request(payload, IsJson(request));
        var top = string.IsNullOrEmpty(receiver.Spec.ResourceFilter) ? null : ReceiverResourceFilter.Compile(receiver.Spec.ResourceFilter);
        return resources.Select(r =>
        {
            var own = string.IsNullOrEmpty(r.Filter) ? null : ReceiverResourceFilter.Compile(r.Filter);
            return (Func<JsonObject, bool>)(obj => (top?.Accepts(obj, req) ?? true) && (own?.Accepts(obj, req) ?? true));
        }).ToList();
    }

    private static bool IsJson(WebhookRequest request) =>
        request.Header("Content-Type").Split(',').Any(v => v.Split(';')[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase));

    /// <summary>The Receiver whose status.webhookPath is the request URI (Flux's index lookup).</summary>
    private async Task<Receiver?> FindAsync(string requestUri, CancellationToken cancellationToken)
    {
        if (!requestUri.StartsWith(Receiver.WebhookPathPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var (items, _) = await _client.ListAsync(FluxResources.Receivers, _namespace, cancellationToken);
        var match = items.FirstOrDefault(r => (string?)r["status"]?["webhookPath"] == requestUri);
        return match is null ? null : KubernetesJson.Deserialize<Receiver>(match.ToJsonString());
    }

    /// <summary>The token of the Receiver's Secret; empty for generic-oidc (no Secret).</summary>
    private async Task<string> TokenAsync(Receiver receiver, CancellationToken cancellationToken)
    {
        if (receiver.Spec.SecretRef is not { } secretRef)
        {
            return string.Empty;
        }

        var ns = receiver.Metadata.NamespaceProperty;
        JsonObject? secret;
        try
        {
            secret = await _client.GetAsync(Secrets, ns, secretRef.Name, cancellationToken);
        }
        catch (Exception e) when (e is KubeApiException or TimeoutException or HttpRequestException)
        {
            throw new WebhookRejectedException($"unable to read secret \"{ns}/{secretRef.Name}\": {e.Message}");
        }

        if (secret is null)
        {
            throw new WebhookRejectedException($"unable to read secret \"{ns}/{secretRef.Name}\": not found");
        }

        return (string?)secret["data"]?["token"] is { } encoded
            ? Encoding.UTF8.GetString(Convert.FromBase64String(encoded))
            : throw new WebhookRejectedException($"invalid \"{ns}/{secretRef.Name}\" secret data: required field 'token'");
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "reading the request body failed: request body exceeds the maximum size of {Max} bytes")]
    private static partial void LogTooLarge(ILogger logger, int max);

    [LoggerMessage(Level = LogLevel.Error, Message = "unable to list receivers: {Error}")]
    private static partial void LogListFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Receiver {Namespace}/{Name}: unable to process request: receiver is {State}")]
    private static partial void LogUnavailable(ILogger logger, string @namespace, string name, string state);

    [LoggerMessage(Level = LogLevel.Error, Message = "Receiver {Namespace}/{Name}: unable to validate payload: {Error}")]
    private static partial void LogRejected(ILogger logger, string @namespace, string name, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Receiver {Namespace}/{Name}: handling {Type} request")]
    private static partial void LogAccepted(ILogger logger, string @namespace, string name, string type);

    [LoggerMessage(Level = LogLevel.Error, Message = "Receiver {Namespace}/{Name}: unable to create resource filters: {Error}")]
    private static partial void LogFilterFailed(ILogger logger, string @namespace, string name, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Receiver {Namespace}/{Name}: resource '{Resource}' annotated")]
    private static partial void LogAnnotated(ILogger logger, string @namespace, string name, string resource);

    [LoggerMessage(Level = LogLevel.Error, Message = "Receiver {Namespace}/{Name}: unable to request reconciliation of {Resource}: {Error}")]
    private static partial void LogRequestFailed(ILogger logger, string @namespace, string name, string resource, string error);
}
