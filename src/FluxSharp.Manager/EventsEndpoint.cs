using FluxSharp.Controllers.Notification;
using FluxSharp.Kubernetes.Runtime;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FluxSharp.Manager;

/// <summary>
/// The events address (--events-addr), as notification-controller's event server: Flux's event JSON POSTed to any
/// path is read (at most 3 MiB: 413 beyond, 400 when not an event), published to the manager's event hub and
/// answered 202, or 429 when it repeats an event within the rate-limit window.
/// </summary>
internal static partial class EventsEndpoint
{
    /// <summary>notification-controller's maxRequestSizeBytes.</summary>
    public const int MaxBodyBytes = 3 * 1024 * 1024;

    public static async Task ServeAsync(HttpContext http, EventSinks hub, ILogger logger)
    {
        var body = await ReadLimitedAsync(http.Request.Body, http.RequestAborted);
        if (body is null)
        {
            LogTooLarge(logger, MaxBodyBytes);
            http.Response.StatusCode = StatusCodes.Status413RequestEntityTooLarge;
            return;
        }

        NotificationEvent ev;
        try
        {
            ev = NotificationEvent.Parse(body);
        }
        catch (FormatException e)
        {
            LogBadEvent(logger, e.Message);
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        http.Response.StatusCode = hub.Publish(ev.ToFluxEvent()) ? StatusCodes.Status202Accepted : StatusCodes.Status429TooManyRequests;
    }

    /// <summary>The body, or null when longer than <see cref="MaxBodyBytes"/>.</summary>
    private static async Task<byte[]?> ReadLimitedAsync(Stream body, CancellationToken cancellationToken)
    {
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

    [LoggerMessage(Level = LogLevel.Error, Message = "reading the request body failed: request body exceeds the maximum size of {Max} bytes")]
    private static partial void LogTooLarge(ILogger logger, int max);

    [LoggerMessage(Level = LogLevel.Error, Message = "decoding the request body failed: {Reason}")]
    private static partial void LogBadEvent(ILogger logger, string reason);
}
