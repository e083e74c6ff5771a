using System.Net;
using System.Text.Json.Nodes;

namespace FluxSharp.LocalCluster.Patching;

/// <summary>
/// The errors the patch engines raise, shaped like the ones kube-apiserver answers with.
/// </summary>
public static class PatchErrors
{
    /// <summary>Key in <see cref="Exception.Data"/> under which the engine's own explanation is kept.</summary>
    public const string DetailKey = "FluxSharp.PatchDetail";

    /// <summary>
    /// The wire message of a 422 patch failure. kube-apiserver builds it with NewGenericServerResponse
    /// without causes, so the JSON-patch library's explanation never reaches the client.
    /// </summary>
    public const string RejectedMessage = "the server rejected our request due to an error in our request";

    /// <summary>
    /// The engine's explanation of a failure ("testing value /x failed: test failed"), which the real
    /// server drops from the response; kept here for logs and tests.
    /// </summary>
    public static string? Detail(Exception exception) =>
        exception?.Data[DetailKey] as string;

    /// <summary>400 BadRequest: the patch document itself is malformed.</summary>
    internal static ApiException BadRequest(string message) => ApiException.BadRequest(message);

    /// <summary>422 Invalid with the generic message; <paramref name="detail"/> goes to <see cref="DetailKey"/>.</summary>
    internal static ApiException Unprocessable(string detail)
    {
        var error = new ApiException(HttpStatusCode.UnprocessableEntity, "Invalid", RejectedMessage);
        error.Data[DetailKey] = detail;
        return error;
    }

    /// <summary>413: kube-apiserver caps the number of JSON patch operations.</summary>
    internal static ApiException TooLarge(string message) =>
        new(HttpStatusCode.RequestEntityTooLarge, "RequestEntityTooLarge", "Request entity too large: " + message);

    /// <summary>
    /// 500 with an empty (Unknown) reason: strategic merge errors that apimachinery returns as plain Go
    /// errors end up this way, because the API layer turns any non-Status error into a 500.
    /// </summary>
    internal static ApiException Internal(string message)
    {
        var error = new ApiException(HttpStatusCode.InternalServerError, string.Empty, message);
        error.Data[DetailKey] = message;
        return error;
    }

    /// <summary>Compact JSON for error messages (the Go code prints its maps with %v).</summary>
    internal static string Show(JsonNode? node) => node?.ToJsonString() ?? "null";
}
