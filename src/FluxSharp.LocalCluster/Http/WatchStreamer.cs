using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Api;
using FluxSharp.LocalCluster.Objects;
using FluxSharp.LocalCluster.Resources;
using FluxSharp.LocalCluster.Selectors;
using FluxSharp.LocalCluster.Storage;
using Microsoft.AspNetCore.Http;

namespace FluxSharp.LocalCluster.Http;

/// <summary>
/// Streams watch events as the real server does: one JSON `{"type","object"}` per line over a chunked response,
/// selector-aware (an object leaving the selector is DELETED, entering it ADDED), with bookmarks,
/// `sendInitialEvents`, `timeoutSeconds`, and an ERROR event with 410 Expired when the resourceVersion is too old.
/// </summary>
internal sealed class WatchStreamer
{
    private readonly ObjectStore _store;
    private readonly TimeProvider _time;
    private int _open;

    public WatchStreamer(ObjectStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
    }

    /// <summary>How often an idle watch that allows bookmarks gets one.</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Watches end after this long unless the client asked for less, as the real server's min-request-timeout.</summary>
    public TimeSpan MaxWatchDuration { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Watch streams being served right now.</summary>
    public int Open => Volatile.Read(ref _open);

    public async Task StreamAsync(HttpContext http, ResourceInfo r, string? ns, string? name, bool table)
    {
        var q = http.Request.Query;
        var labels = LabelSelector.Parse(q["labelSelector"]);
        var fields = FieldSelector.Parse(q["fieldSelector"]);
        var bookmarks = q["allowWatchBookmarks"] == "true";
        var sendInitial = q["sendInitialEvents"] == "true";
        var rvText = q["resourceVersion"].ToString();
        var timeout = int.TryParse(q["timeoutSeconds"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var ts) && ts > 0
            ? TimeSpan.FromSeconds(ts)
            : MaxWatchDuration;

        long? from = null;
        if (!sendInitial && rvText.Length > 0 && rvText != "0")
        {
            from = long.TryParse(rvText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw ApiException.BadRequest($"resourceVersion: Invalid value: \"{rvText}\": must be an integer");
        }

        bool Matches(JsonObject o) =>
            (ns is null || !r.Namespaced || Obj.Namespace(o) == ns) && (name is null || Obj.Name(o) == name) && labels.Matches(o) && fields.Matches(o);

        http.Response.StatusCode = 200;
        http.Response.ContentType = "application/json";
        http.Response.Headers.CacheControl = "no-cache, private";
        var body = http.Response.Body;
        var aborted = http.RequestAborted;

        Watcher watcher;
        try
        {
            watcher = _store.Watch(ResourceRegistry.StorageKey(r), from);
        }
        catch (ApiException e) when (e.Code == System.Net.HttpStatusCode.Gone)
        {
            await WriteLineAsync(body, "ERROR", ApiHandler.StatusOf(e), aborted);
            return;
        }

        Interlocked.Increment(ref _open);
        using (watcher)
        using (var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(aborted))
        {
            timeoutCts.CancelAfter(timeout);
            var token = timeoutCts.Token;
            var lastRv = watcher.StartResourceVersion;
            var initialPending = sendInitial;
            var reader = watcher.Channel.Reader;
            try
            {
                await http.Response.StartAsync(aborted);
                await body.FlushAsync(aborted);
                while (!token.IsCancellationRequested)
                {
                    // Initial events (sendInitialEvents) are the queued synthetic ADDED events; then one bookmark marks their end.
                    if (initialPending && !reader.TryPeek(out _))
                    {
                        initialPending = false;
                        await WriteBookmarkAsync(body, r, lastRv, initialEventsEnd: true, token);
                        continue;
                    }

                    WatchEvent ev;
                    if (!reader.TryRead(out ev!))
                    {
                        using var idle = CancellationTokenSource.CreateLinkedTokenSource(token);
                        if (bookmarks)
                        {
                            idle.CancelAfter(BookmarkInterval);
                        }

                        try
                        {
                            if (!await reader.WaitToReadAsync(idle.Token))
                            {
                                break;
                            }
                        }
                        catch (OperationCanceledException) when (!token.IsCancellationRequested)
                        {
                            await WriteBookmarkAsync(body, r, lastRv, initialEventsEnd: false, token);
                        }

                        continue;
                    }

                    lastRv = Math.Max(lastRv, ev.ResourceVersion);
                    var (type, obj) = Translate(ev, Matches);
                    if (type is null)
                    {
                        continue;
                    }

                    var shown = ResourceService.ForVersion(obj!, r);
                    JsonNode payload = table ? Seams.Table(r, [Obj.Clone(shown)], http.Request.Query["includeObject"], null, null, _time.GetUtcNow()) ?? shown : shown;
                    await WriteLineAsync(body, type, payload, token);
                }
            }
            catch (OperationCanceledException)
            {
                // Timeout or client gone: the stream just ends, as the real server's does.
            }
            catch (IOException)
            {
                // Client gone.
            }
            finally
            {
                Interlocked.Decrement(ref _open);
            }
        }
    }

    /// <summary>What a watcher with a selector sees of a change: objects moving in or out of the selection are ADDED/DELETED.</summary>
    private static (string? Type, JsonObject? Object) Translate(WatchEvent ev, Func<JsonObject, bool> matches)
    {
        switch (ev.Type)
        {
            case WatchEventType.Added:
                return matches(ev.Object) ? ("ADDED", ev.Object) : (null, null);
            case WatchEventType.Deleted:
                return matches(ev.Object) ? ("DELETED", ev.Object) : (null, null);
            default:
                var now = matches(ev.Object);
                var before = ev.OldObject is not null && matches(ev.OldObject);
                return (before, now) switch
                {
                    (true, true) => ("MODIFIED", ev.Object),
                    (false, true) => ("ADDED", ev.Object),
                    (true, false) => ("DELETED", ev.Object),
                    _ => (null, null),
                };
        }
    }

    private static Task WriteBookmarkAsync(Stream body, ResourceInfo r, long rv, bool initialEventsEnd, CancellationToken token)
    {
        var meta = new JsonObject { ["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture) };
        if (initialEventsEnd)
        {
            meta["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
        }

        return WriteLineAsync(body, "BOOKMARK", new JsonObject { ["kind"] = r.Kind, ["apiVersion"] = r.ApiVersion, ["metadata"] = meta }, token);
    }

    private static async Task WriteLineAsync(Stream body, string type, JsonNode obj, CancellationToken token)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Obj.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WritePropertyName("object");
            obj.WriteTo(writer);
            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        await body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), token);
        await body.FlushAsync(token);
    }
}
