using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Autorest;

namespace FluxSharp.Kubernetes.Client;

/// <summary>One entry of a Status's details.causes: why a field was refused.</summary>
public sealed record StatusCause(string Reason, string Message, string Field);

/// <summary>A Status's details: the object concerned and the causes.</summary>
public sealed record StatusDetails(string Name, string Group, string Kind, IReadOnlyList<StatusCause> Causes)
{
    public static readonly StatusDetails None = new(string.Empty, string.Empty, string.Empty, []);
}

/// <summary>
/// An error answer of the API server (a metav1.Status: code, reason, message, details). Every call to the API
/// fails with this type: <see cref="KubeClient"/> throws it, and typed calls of the official client are mapped to
/// it with <see cref="CallAsync{T}"/> where their errors are caught.
/// </summary>
public class KubeApiException : Exception
{
    public KubeApiException(HttpStatusCode code, string reason, string message, StatusDetails? details = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
        Reason = reason;
        Details = details ?? StatusDetails.None;
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
        : this(HttpStatusCode.InternalServerError, "InternalError", message, null, innerException)
    {
    }

    public HttpStatusCode Code { get; }

    /// <summary>metav1.StatusReason: NotFound, AlreadyExists, Conflict, Invalid, Forbidden, Expired...</summary>
    public string Reason { get; }

    public StatusDetails Details { get; }

    /// <summary>The reasons of details.causes (e.g. FieldManagerConflict, FieldValueInvalid).</summary>
    public IReadOnlyList<string> Causes => Details.Causes.Select(c => c.Reason).ToList();

    public bool IsNotFound => Code == HttpStatusCode.NotFound;

    public bool IsConflict => Code == HttpStatusCode.Conflict;

    public bool IsAlreadyExists => Code == HttpStatusCode.Conflict && Reason == "AlreadyExists";

    /// <summary>From an answer's status code and body: a Status when the body is one, else the body's text.</summary>
    public static KubeApiException FromResponse(HttpStatusCode code, string? body, Exception? innerException = null)
    {
        var text = body ?? string.Empty;
        try
        {
            if (text.Length > 0 && JsonNode.Parse(text) is JsonObject status && (string?)status["kind"] == "Status")
            {
                return FromStatus(status, code, innerException);
            }
        }
        catch (JsonException)
        {
            // Not a Status: use the text as it is.
        }

        var message = string.IsNullOrWhiteSpace(text) ? $"the server answered {(int)code} {code}" : text.Trim();
        return new KubeApiException(code, code.ToString(), message, null, innerException);
    }

    /// <summary>From a Status object (an error answer, or the object of a watch ERROR event).</summary>
    public static KubeApiException FromStatus(JsonObject status, HttpStatusCode? code = null, Exception? innerException = null)
    {
        ArgumentNullException.ThrowIfNull(status);
        var statusCode = (int?)status["code"] is { } c and > 0 ? (HttpStatusCode)c : code ?? HttpStatusCode.InternalServerError;
        var details = status["details"] as JsonObject;
        var causes = (details?["causes"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(x => new StatusCause((string?)x["reason"] ?? string.Empty, (string?)x["message"] ?? string.Empty, (string?)x["field"] ?? string.Empty))
            .ToList();
        var parsed = details is null ? StatusDetails.None : new StatusDetails((string?)details["name"] ?? string.Empty, (string?)details["group"] ?? string.Empty, (string?)details["kind"] ?? string.Empty, causes);
        var message = (string?)status["message"] is { Length: > 0 } m ? m : $"the server answered {(int)statusCode} {statusCode}";
        return new KubeApiException(statusCode, (string?)status["reason"] ?? statusCode.ToString(), message, parsed, innerException);
    }

    /// <summary>An error of the official client's typed calls as this type; other exceptions as they are (null).</summary>
    public static KubeApiException? From(Exception error) => error switch
    {
        KubeApiException api => api,
        HttpOperationException op when op.Response is not null => FromResponse(op.Response.StatusCode, op.Response.Content, op),
        k8s.KubernetesException { Status: { } s } ke => new KubeApiException((HttpStatusCode)(s.Code ?? 500), s.Reason ?? string.Empty, s.Message ?? ke.Message, null, ke),
        _ => null,
    };

    /// <summary>Runs a typed call of the official client (CoreV1 secrets, events...), its API errors mapped to this type.</summary>
    public static async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return await call();
        }
        catch (Exception e) when (e is HttpOperationException or k8s.KubernetesException && From(e) is { } api)
        {
            throw api;
        }
    }

    /// <summary><see cref="CallAsync{T}"/> for calls without a result.</summary>
    public static async Task CallAsync(Func<Task> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            await call();
        }
        catch (Exception e) when (e is HttpOperationException or k8s.KubernetesException && From(e) is { } api)
        {
            throw api;
        }
    }
}

/// <summary>The watch's resourceVersion is too old (410 Gone / Expired): the caller must list again.</summary>
public sealed class ResourceVersionExpiredException : KubeApiException
{
    public ResourceVersionExpiredException(string message)
        : base(HttpStatusCode.Gone, "Expired", message)
    {
    }

    public ResourceVersionExpiredException()
        : this("resource version expired")
    {
    }

    public ResourceVersionExpiredException(string message, Exception innerException)
        : base(HttpStatusCode.Gone, "Expired", message, null, innerException)
    {
    }
}
