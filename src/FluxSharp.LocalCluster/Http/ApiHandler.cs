using System.Net;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Api;
using FluxSharp.LocalCluster.Resources;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FluxSharp.LocalCluster.Http;

/// <summary>
/// Maps HTTP requests onto discovery, OpenAPI and the resource verbs; turns ApiExceptions into metav1.Status.
/// One entry point so that every request gets the same error handling, limits and impersonation.
/// </summary>
internal sealed partial class ApiHandler
{
    /// <summary>The real API server's request body limit (3 MiB).</summary>
    public const long MaxBodyBytes = 3 * 1024 * 1024;

    private readonly ResourceService _service;
    private readonly WatchStreamer _watches;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly StoreRbacSource _rbac;
    private readonly BearerAuthenticator _authenticator;

    public ApiHandler(ResourceService service, WatchStreamer watches, TimeProvider time, ILogger logger, BearerAuthenticator authenticator)
    {
        _authenticator = authenticator;
        _service = service;
        _rbac = new StoreRbacSource(service.Store);
        _watches = watches;
        _time = time;
        _logger = logger;
    }

    /// <summary>Serves `pods/{name}/log` from the sources registered for in-process pods.</summary>
    public PodLogServer PodLogs { get; init; } = new(new PodLogSources(), CancellationToken.None);

    private ResourceRegistry Registry => _service.Registry;

    public async Task HandleAsync(HttpContext http)
    {
        try
        {
            if (!_authenticator.Allows(http.Request))
            {
                throw BearerAuthenticator.Unauthorized();
            }

            await DispatchAsync(http);
        }
        catch (ApiException e)
        {
            await WriteStatusAsync(http, e);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
#pragma warning disable CA1031 // The server must answer every request and never crash on one.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogInternalError(_logger, http.Request.Method, http.Request.Path, e);
            await WriteStatusAsync(http, new ApiException(HttpStatusCode.InternalServerError, "InternalError", "Internal error occurred: " + e.Message));
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "internal error serving {Method} {Path}")]
    private static partial void LogInternalError(ILogger logger, string method, string path, Exception e);

    private async Task DispatchAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "/";
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var method = http.Request.Method;
        var ctx = BuildContext(http);
        var resourceRequest = segments is ["api", _, _, ..] or ["apis", _, _, _, ..];
        if (ctx.User is { } user && !resourceRequest)
        {
            // Discovery, OpenAPI and other non-resource paths are authorized by path.
            Authorization.RbacAuthorizer.EnsureAllowed(user, Authorization.RequestAttributes.ForPath(method == "GET" ? "get" : method.ToLowerInvariant(), path), _rbac);
        }

        if (segments.Length == 0)
        {
            await WriteJsonAsync(http, new JsonObject { ["paths"] = new JsonArray("/api", "/api/v1", "/apis", "/healthz", "/livez", "/openapi/v2", "/openapi/v3", "/readyz", "/version") });
            return;
        }

        switch (segments[0])
        {
            case "version" when segments.Length == 1:
                await WriteJsonAsync(http, Discovery.Version());
                return;
            case "healthz" or "livez" or "readyz":
                http.Response.ContentType = "text/plain; charset=utf-8";
                await http.Response.WriteAsync("ok", http.RequestAborted);
                return;
            case "openapi":
                await ServeOpenApiAsync(http, segments);
                return;
            case "api":
                if (segments.Length == 1)
                {
                    await WriteDiscoveryAsync(http, core: true);
                    return;
                }

                if (segments.Length == 2)
                {
                    await WriteJsonAsync(http, Discovery.ResourceList(Registry, string.Empty, segments[1]) ?? throw PathNotFound());
                    return;
                }

                await ServeResourceAsync(http, ctx, ApiRequest.Parse(Registry, string.Empty, segments[1], segments.AsSpan(2)) ?? throw PathNotFound());
                return;
            case "apis":
                if (segments.Length == 1)
                {
                    await WriteDiscoveryAsync(http, core: false);
                    return;
                }

                if (segments.Length == 2)
                {
                    await WriteJsonAsync(http, Discovery.GroupDocument(Registry, segments[1]) ?? throw PathNotFound());
                    return;
                }

                if (segments.Length == 3)
                {
                    await WriteJsonAsync(http, Discovery.ResourceList(Registry, segments[1], segments[2]) ?? throw PathNotFound());
                    return;
                }

                await ServeResourceAsync(http, ctx, ApiRequest.Parse(Registry, segments[1], segments[2], segments.AsSpan(3)) ?? throw PathNotFound());
                return;
            default:
                if (method is not ("GET" or "HEAD"))
                {
                    throw ApiException.MethodNotAllowed($"the server does not allow this method on the requested resource");
                }

                throw PathNotFound();
        }
    }

    private RequestContext BuildContext(HttpContext http)
    {
        var q = http.Request.Query;
        var identity = Authorization.Impersonation.FromHeaders(http.Request.Headers);
        var fieldManager = q["fieldManager"].ToString();
        if (string.IsNullOrEmpty(fieldManager))
        {
            var ua = http.Request.Headers.UserAgent.ToString();
            var slash = ua.IndexOf('/', StringComparison.Ordinal);
            fieldManager = slash > 0 ? ua[..slash] : ua.Length > 0 ? ua : "unknown";
        }

        if (fieldManager.Length > 128)
        {
            throw ApiException.BadRequest("fieldManager: Too long: may not be longer than 128");
        }

        var validation = q["fieldValidation"].ToString() switch
        {
            "" or "Warn" => FieldValidation.Warn,
            "Strict" => FieldValidation.Strict,
            "Ignore" => FieldValidation.Ignore,
            var other => throw ApiException.BadRequest($"fieldValidation: Unsupported value: \"{other}\": supported values: \"Ignore\", \"Strict\", \"Warn\""),
        };
        var dryRun = q["dryRun"].ToString();
        if (dryRun.Length > 0 && dryRun != "All")
        {
            throw ApiException.BadRequest($"dryRun: Unsupported value: \"{dryRun}\": supported values: \"All\"");
        }

        return new RequestContext
        {
            User = identity,
            DryRun = dryRun == "All",
            FieldManager = fieldManager,
            FieldValidation = validation,
        };
    }
}
