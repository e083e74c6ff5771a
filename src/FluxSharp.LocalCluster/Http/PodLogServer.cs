using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Objects;
using Microsoft.AspNetCore.Http;

namespace FluxSharp.LocalCluster.Http;

/// <summary>
/// `GET /api/v1/namespaces/{ns}/pods/{name}/log` as the kubelet answers it through the API server: plain text,
/// one line per log line, with `container`, `follow`, `tailLines`, `sinceSeconds`, `sinceTime` and `timestamps`.
/// Lines come from the pod's registered <see cref="PodLogSource"/>; a following stream ends when the client
/// goes away or the server stops.
/// </summary>
internal sealed class PodLogServer(PodLogSources sources, CancellationToken stopping)
{
    public async Task ServeAsync(HttpContext http, string verb, JsonObject pod)
    {
        if (verb != "get")
        {
            throw ApiException.MethodNotAllowed("the server does not allow this method on the requested resource");
        }

        var q = http.Request.Query;
        var name = Obj.Name(pod);
        CheckContainer(pod, name, q["container"].ToString());
        var query = new PodLogQuery(
            Follow: IsTrue(q["follow"]),
            TailLines: Long(q["tailLines"], "tailLines", min: 0),
            Since: Since(q["sinceSeconds"], q["sinceTime"]));
        var timestamps = IsTrue(q["timestamps"]);
        var source = sources.Find(Obj.Namespace(pod) ?? "default", name);

        http.Response.StatusCode = 200;
        http.Response.ContentType = "text/plain";
        http.Response.Headers.CacheControl = "no-cache, private";
        using var done = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping);
        await http.Response.StartAsync(done.Token);
        if (source is null)
        {
            return;
        }

        var body = http.Response.Body;
        try
        {
            await foreach (var line in source(query, done.Token))
            {
                var text = timestamps ? line.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture) + " " + line.Text : line.Text;
                await body.WriteAsync(Encoding.UTF8.GetBytes(text + "\n"), done.Token);
                if (query.Follow)
                {
                    await body.FlushAsync(done.Token);
                }
            }
        }
        catch (OperationCanceledException) when (done.IsCancellationRequested)
        {
            // The client stopped following, or the server is stopping: the stream just ends.
        }
    }

    private static bool IsTrue(string? value) => value is "true" or "1";

    /// <summary>As the real server: a pod with several containers needs ?container=, and it must be one of them.</summary>
    private static void CheckContainer(JsonObject pod, string name, string container)
    {
        var containers = (Obj.At(pod, "spec", "containers") as JsonArray ?? []).Select(c => Obj.Str(c, "name") ?? string.Empty).ToList();
        if (container.Length == 0)
        {
            if (containers.Count > 1)
            {
                throw ApiException.BadRequest($"a container name must be specified for pod {name}, choose one of: [{string.Join(' ', containers)}]");
            }

            return;
        }

        if (!containers.Contains(container, StringComparer.Ordinal))
        {
            throw ApiException.BadRequest($"container {container} is not valid for pod {name}");
        }
    }

    private static long? Long(string? text, string field, long min)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min)
        {
            throw ApiException.BadRequest($"{field}: Invalid value: \"{text}\": must be an integer greater than or equal to {min}");
        }

        return value;
    }

    private static DateTimeOffset? Since(string? seconds, string? time)
    {
        if (!string.IsNullOrEmpty(seconds) && !string.IsNullOrEmpty(time))
        {
            throw ApiException.BadRequest("at most one of sinceTime or sinceSeconds may be specified");
        }

        if (Long(seconds, "sinceSeconds", min: 1) is { } s)
        {
            return DateTimeOffset.UtcNow.AddSeconds(-s);
        }

        if (string.IsNullOrEmpty(time))
        {
            return null;
        }

        return DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t
            : throw ApiException.BadRequest($"sinceTime: Invalid value: \"{time}\": must be an RFC3339 time");
    }
}
