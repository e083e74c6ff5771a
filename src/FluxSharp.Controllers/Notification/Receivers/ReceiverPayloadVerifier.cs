using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Web;
using FluxSharp.Api.Notification.V1;

namespace FluxSharp.Controllers.Notification.Receivers;

/// <summary>A call the Receiver's type does not accept (Flux answers 400); the message names the check, never the token.</summary>
public sealed class WebhookRejectedException : Exception
{
    public WebhookRejectedException(string message)
        : base(message)
    {
    }

    public WebhookRejectedException()
    {
    }

    public WebhookRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Checks a webhook call the way the sender of each Receiver type signs it (notification-controller's validate):
/// generic accepts any call to its secret path; generic-hmac wants X-Signature; github and bitbucket the
/// X-Hub-Signature(-256) HMAC; gitlab X-Gitlab-Token; harbor the Authorization header; nexus
/// X-Nexus-Webhook-Signature (HMAC-SHA1); dockerhub, quay, acr and cdevents a payload of their shape.
/// <c>events</c> filters GitHub (X-GitHub-Event), GitLab (X-Gitlab-Event), Bitbucket (X-Event-Key) and CDEvents (Ce-Type).
/// Returns the payload the resource filters see as <c>req</c>.
/// </summary>
public static class ReceiverPayloadVerifier
{
    /// <summary>The body to hand to the filters, or throws <see cref="WebhookRejectedException"/>.</summary>
    public static byte[] Verify(Receiver receiver, string token, WebhookRequest request)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(request);
        var key = Encoding.UTF8.GetBytes(token);
        var events = receiver.Spec.Events ?? [];
        switch (receiver.Spec.Type)
        {
            case ReceiverTypes.Generic:
                return request.Body;
            case ReceiverTypes.GenericHmac:
                Reject(HubSignature.Check(request.Header("X-Signature"), request.Body, key), "unable to validate HMAC signature");
                return request.Body;
            case ReceiverTypes.GitHub:
                {
                    var payload = HubPayload(request, key, "the GitHub signature header is invalid");
                    AllowEvent(events, request.Header("X-GitHub-Event"), "GitHub event");
                    return payload;
                }

            case ReceiverTypes.Bitbucket:
                {
                    var payload = HubPayload(request, key, "the Bitbucket server signature header is invalid");
                    AllowEvent(events, request.Header("X-Event-Key"), "Bitbucket server event");
                    return payload;
                }

            case ReceiverTypes.GitLab:
                if (!SameSecret(request.Header("X-Gitlab-Token"), token))
                {
                    throw new WebhookRejectedException("the X-Gitlab-Token header value does not match the receiver token");
                }

                AllowEvent(events, request.Header("X-Gitlab-Event"), "GitLab event");
                return request.Body;
            case ReceiverTypes.Harbor:
                if (!SameSecret(request.Header("Authorization"), token))
                {
                    throw new WebhookRejectedException("the Harbor Authorization header value does not match the receiver token");
                }

                return request.Body;
            case ReceiverTypes.Nexus:
                {
                    var signature = request.Header("X-Nexus-Webhook-Signature");
                    if (signature.Length == 0)
                    {
                        throw new WebhookRejectedException("the Nexus signature is missing from header");
                    }

#pragma warning disable CA5350 // Nexus signs its webhooks with HMAC-SHA1; the sender chooses it, not us.
                    var expected = Convert.ToHexStringLower(HMACSHA1.HashData(key, request.Body));
#pragma warning restore CA5350
                    if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(signature), Encoding.UTF8.GetBytes(expected)))
                    {
                        throw new WebhookRejectedException("invalid Nexus signature");
                    }

                    JsonPayload(request.Body, "cannot decode Nexus webhook payload");
                    return request.Body;
                }

            case ReceiverTypes.DockerHub:
                JsonPayload(request.Body, "cannot decode DockerHub webhook payload");
                return request.Body;
            case ReceiverTypes.Quay:
                JsonPayload(request.Body, "cannot decode Quay webhook payload");
                return request.Body;
            case ReceiverTypes.Acr:
                JsonPayload(request.Body, "cannot decode ACR webhook payload");
                return request.Body;
            case ReceiverTypes.CdEvents:
                CheckCdEvent(request.Body);
                AllowEvent(events, request.Header("Ce-Type"), "CDEvent");
                return request.Body;
            default:
                // gcr and generic-oidc never get here: their Receivers are not Ready (see ReceiverReconciler.Unsupported).
                throw new WebhookRejectedException($"receiver type \"{receiver.Spec.Type}\" is not supported by FluxSharp");
        }
    }

    private static void Reject(string? problem, string what)
    {
        if (problem is not null)
        {
            throw new WebhookRejectedException($"{what}: {problem}");
        }
    }

    /// <summary>
    /// GitHub's payload rules (go-github ValidatePayload): JSON or a form whose <c>payload</c> field is the JSON; the
    /// signature covers the raw body and is checked when the token is set or a signature is sent.
    /// </summary>
    private static byte[] HubPayload(WebhookRequest request, byte[] key, string what)
    {
        byte[] payload;
        switch (request.MediaType)
        {
            case "application/json":
                payload = request.Body;
                break;
            case "application/x-www-form-urlencoded":
                payload = Encoding.UTF8.GetBytes(HttpUtility.ParseQueryString(Encoding.UTF8.GetString(request.Body))["payload"] ?? string.Empty);
                break;
            default:
                throw new WebhookRejectedException($"{what}, err: webhook request has unsupported Content-Type \"{request.Header("Content-Type")}\"");
        }

        var signature = request.Header("X-Hub-Signature-256");
        if (signature.Length == 0)
        {
            signature = request.Header("X-Hub-Signature");
        }

        if (key.Length > 0 || signature.Length > 0)
        {
            Reject(HubSignature.Check(signature, request.Body, key), what + ", err");
        }

        return payload;
    }

    private static void AllowEvent(IList<string> events, string sent, string what)
    {
        if (events.Count > 0 && !events.Any(e => string.Equals(e, sent, StringComparison.OrdinalIgnoreCase)))
        {
            throw new WebhookRejectedException($"the {what} \"{sent}\" is not authorised");
        }
    }

    /// <summary>Header tokens compared in constant time (a timing difference must not reveal the token).</summary>
    private static bool SameSecret(string given, string token) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static JsonNode? JsonPayload(byte[] body, string what)
    {
        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException e)
        {
            throw new WebhookRejectedException($"{what}: {e.Message}");
        }
    }

    /// <summary>
    /// A CDEvent (spec v0.4): an object with a <c>context</c> (id, source, type dev.cdevents.*, timestamp) and a
    /// <c>subject</c> with <c>content</c>. Flux validates against the CDEvents schemas; this checks their common core.
    /// </summary>
    private static void CheckCdEvent(byte[] body)
    {
        const string What = "unable to validate CDEvent event";
        if (JsonPayload(body, What) is not JsonObject cdevent)
        {
            throw new WebhookRejectedException($"{What}: the payload is not a JSON object");
        }

        var context = cdevent["context"] as JsonObject ?? throw new WebhookRejectedException($"{What}: context is required");
        foreach (var field in new[] { "id", "source", "type", "timestamp" })
        {
            if (context[field] is not JsonValue value || !value.TryGetValue<string>(out var text) || text.Length == 0)
            {
                throw new WebhookRejectedException($"{What}: context.{field} is required");
            }
        }

        if (!((string)context["type"]!).StartsWith("dev.cdevents.", StringComparison.Ordinal))
        {
            throw new WebhookRejectedException($"{What}: context.type \"{(string)context["type"]!}\" is not a CDEvents type");
        }

        if (cdevent["subject"] is not JsonObject subject || subject["content"] is not JsonObject)
        {
            throw new WebhookRejectedException($"{What}: subject.content is required");
        }
    }
}
