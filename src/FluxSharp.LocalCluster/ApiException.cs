using System.Net;

namespace FluxSharp.LocalCluster;

/// <summary>A metav1.StatusCause: one reason an object was rejected, naming the field.</summary>
public sealed record StatusCause(string Reason, string Message, string? Field = null);

/// <summary>
/// An error the API answers with a metav1.Status of the given code and reason
/// (NotFound, AlreadyExists, Conflict, Invalid, Forbidden, BadRequest, Gone, MethodNotAllowed...).
/// Any layer may throw it; the HTTP layer turns it into the Status body.
/// </summary>
public sealed class ApiException : Exception
{
    public ApiException(HttpStatusCode code, string reason, string message, IReadOnlyList<StatusCause>? causes = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Causes = causes ?? [];
    }

    public ApiException()
        : this(HttpStatusCode.InternalServerError, "InternalError", "internal error")
    {
    }

    public ApiException(string message)
        : this(HttpStatusCode.InternalServerError, "InternalError", message)
    {
    }

    public ApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = HttpStatusCode.InternalServerError;
        Reason = "InternalError";
        Causes = [];
    }

    public HttpStatusCode Code { get; }

    public string Reason { get; }

    public IReadOnlyList<StatusCause> Causes { get; }

    /// <summary>Group/kind/name for Status.details, filled in by the layer that knows them.</summary>
    public string? DetailsGroup { get; init; }

    public string? DetailsKind { get; init; }

    public string? DetailsName { get; init; }

    public static ApiException BadRequest(string message) => new(HttpStatusCode.BadRequest, "BadRequest", message);

    public static ApiException NotFound(string resource, string name, string group = "") =>
        new(HttpStatusCode.NotFound, "NotFound", $"{Qualified(resource, group)} \"{name}\" not found") { DetailsGroup = group, DetailsKind = resource, DetailsName = name };

    public static ApiException AlreadyExists(string resource, string name, string group = "") =>
        new(HttpStatusCode.Conflict, "AlreadyExists", $"{Qualified(resource, group)} \"{name}\" already exists") { DetailsGroup = group, DetailsKind = resource, DetailsName = name };

    public static ApiException Conflict(string resource, string name, string group, string detail) =>
        new(HttpStatusCode.Conflict, "Conflict", $"Operation cannot be fulfilled on {Qualified(resource, group)} \"{name}\": {detail}") { DetailsGroup = group, DetailsKind = resource, DetailsName = name };

    /// <summary>422 Invalid: "Kind.group \"name\" is invalid: field: message, ...".</summary>
    public static ApiException Invalid(string kind, string group, string name, IReadOnlyList<StatusCause> causes)
    {
        var qualified = group.Length == 0 ? kind : $"{kind}.{group}";
        var detail = causes.Count == 1
            ? FormatCause(causes[0])
            : "[" + string.Join(", ", causes.Select(FormatCause)) + "]";
        return new ApiException(HttpStatusCode.UnprocessableEntity, "Invalid", $"{qualified} \"{name}\" is invalid: {detail}", causes)
        {
            DetailsGroup = group,
            DetailsKind = kind,
            DetailsName = name,
        };
    }

    public static ApiException Forbidden(string message) => new(HttpStatusCode.Forbidden, "Forbidden", message);

    public static ApiException MethodNotAllowed(string message) => new(HttpStatusCode.MethodNotAllowed, "MethodNotAllowed", message);

    public static ApiException Gone(string message) => new(HttpStatusCode.Gone, "Expired", message);

    public static ApiException UnsupportedMediaType(string message) => new(HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType", message);

    private static string FormatCause(StatusCause cause) => cause.Field is null ? cause.Message : $"{cause.Field}: {cause.Message}";

    private static string Qualified(string resource, string group) => group.Length == 0 ? resource : $"{resource}.{group}";
}
