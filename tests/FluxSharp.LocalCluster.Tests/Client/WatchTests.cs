using System.Globalization;
using System.Net;
using System.Threading.Channels;
using k8s;
using k8s.Models;

namespace FluxSharp.LocalCluster.Tests.Client;

/// <summary>A running ConfigMap watch whose events (and errors) are read one at a time with a deadline.</summary>
internal sealed class ConfigMapWatch : IAsyncDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly Channel<(WatchEventType Type, V1ConfigMap Object)> _events = Channel.CreateUnbounded<(WatchEventType, V1ConfigMap)>();
    private readonly Task _pump;

    private ConfigMapWatch(Task<k8s.Autorest.HttpOperationResponse<V1ConfigMapList>> response, CancellationTokenSource cts)
    {
        _cts = cts;
        _pump = Task.Run(async () =>
        {
            try
            {
                // KubernetesClient completes a watch response only when the first line arrives, so the Task-based
                // WatchAsync is the one that can be started before anything happens.
#pragma warning disable CS0618
                var events = response.WatchAsync<V1ConfigMap, V1ConfigMapList>(e => Errors.Enqueue(e), _cts.Token);
#pragma warning restore CS0618
                await foreach (var (type, obj) in events)
                {
                    await _events.Writer.WriteAsync((type, obj));
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException or ObjectDisposedException)
            {
                // Disposed or the stream broke.
            }
            finally
            {
                _events.Writer.TryComplete();
            }
        });
    }

    public System.Collections.Concurrent.ConcurrentQueue<Exception> Errors { get; } = new();

    /// <summary>
    /// Starts a watch. With <paramref name="fromNow"/> and no resourceVersion, it starts at a list's resourceVersion, so
    /// every later write is seen however late the request reaches the server; otherwise unset means "current state, then changes".
    /// </summary>
    public static async Task<ConfigMapWatch> StartAsync(Kubernetes client, string ns, string? resourceVersion = null, string? labelSelector = null, bool bookmarks = false, bool fromNow = true)
    {
        if (resourceVersion is null && fromNow)
        {
            resourceVersion = (await client.CoreV1.ListNamespacedConfigMapAsync(ns, labelSelector: labelSelector)).Metadata.ResourceVersion;
        }

        // The request's token is what cancels reads of the watch stream, so it is the one disposal cancels.
        var cts = new CancellationTokenSource();
        var response = client.CoreV1.ListNamespacedConfigMapWithHttpMessagesAsync(ns, watch: true, resourceVersion: resourceVersion, labelSelector: labelSelector, allowWatchBookmarks: bookmarks, cancellationToken: cts.Token);
        return new ConfigMapWatch(response, cts);
    }

    /// <summary>The next event (bookmarks skipped unless asked for).</summary>
    public async Task<(WatchEventType Type, V1ConfigMap Object)> NextAsync(bool includeBookmarks = false, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var ev = await _events.Reader.ReadAsync(deadline.Token);
            if (includeBookmarks || ev.Type != WatchEventType.Bookmark)
            {
                return ev;
            }
        }
    }

    /// <summary>Waits for the stream to end; true when it did before the timeout.</summary>
    public async Task<bool> WaitClosedAsync(TimeSpan timeout)
    {
        var done = await Task.WhenAny(_events.Reader.Completion, Task.Delay(timeout));
        return done == _events.Reader.Completion;
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        await _pump.WaitAsync(TimeSpan.FromSeconds(10));
        _cts.Dispose();
    }
}

public sealed class WatchTests(ClientFixture fx) : IClassFixture<ClientFixture>
{
    private Kubernetes Client => fx.Client;

    private static V1ConfigMap Cm(string name, string value, Dictionary<string, string>? labels = null) =>
        new() { Metadata = new V1ObjectMeta { Name = name, Labels = labels }, Data = new Dictionary<string, string> { ["v"] = value } };

    [Fact]
    public async Task Watch_receives_added_modified_deleted_in_order()
    {
        var ns = await fx.NewClientNamespaceAsync();
        await using var watch = await ConfigMapWatch.StartAsync(Client, ns);

        var created = await Client.CoreV1.CreateNamespacedConfigMapAsync(Cm("w", "1"), ns);
        var patched = await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"data\":{\"v\":\"2\"}}", V1Patch.PatchType.MergePatch), "w", ns);
        await Client.CoreV1.DeleteNamespacedConfigMapAsync("w", ns);

        var added = await watch.NextAsync();
        Assert.Equal(WatchEventType.Added, added.Type);
        Assert.Equal(created.Metadata.ResourceVersion, added.Object.Metadata.ResourceVersion);
        Assert.Equal("1", added.Object.Data["v"]);

        var modified = await watch.NextAsync();
        Assert.Equal(WatchEventType.Modified, modified.Type);
        Assert.Equal(patched.Metadata.ResourceVersion, modified.Object.Metadata.ResourceVersion);
        Assert.Equal("2", modified.Object.Data["v"]);

        var deleted = await watch.NextAsync();
        Assert.Equal(WatchEventType.Deleted, deleted.Type);
        Assert.Equal("w", deleted.Object.Metadata.Name);
        Assert.True(Rv(deleted.Object) > Rv(modified.Object));
        Assert.Empty(watch.Errors);
    }

    [Fact]
    public async Task Watch_from_a_resource_version_replays_missed_events()
    {
        var ns = await fx.NewClientNamespaceAsync();
        var first = await Client.CoreV1.CreateNamespacedConfigMapAsync(Cm("r1", "a"), ns);
        await Client.CoreV1.CreateNamespacedConfigMapAsync(Cm("r2", "b"), ns);
        await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"data\":{\"v\":\"c\"}}", V1Patch.PatchType.MergePatch), "r1", ns);
        await Client.CoreV1.DeleteNamespacedConfigMapAsync("r2", ns);

        await using var watch = await ConfigMapWatch.StartAsync(Client, ns, resourceVersion: first.Metadata.ResourceVersion);
        var events = new List<(WatchEventType, string)>();
        for (var i = 0; i < 3; i++)
        {
            var (type, obj) = await watch.NextAsync();
            events.Add((type, obj.Metadata.Name));
        }

        Assert.Equal([(WatchEventType.Added, "r2"), (WatchEventType.Modified, "r1"), (WatchEventType.Deleted, "r2")], events);

        // A list's resourceVersion is a valid starting point too: nothing before it is replayed.
        var list = await Client.CoreV1.ListNamespacedConfigMapAsync(ns);
        await using var fromList = await ConfigMapWatch.StartAsync(Client, ns, resourceVersion: list.Metadata.ResourceVersion);
        await Client.CoreV1.CreateNamespacedConfigMapAsync(Cm("r3", "d"), ns);
        var next = await fromList.NextAsync();
        Assert.Equal((WatchEventType.Added, "r3"), (next.Type, next.Object.Metadata.Name));
    }

    [Fact]
    public async Task Watch_with_a_label_selector_sees_objects_leave_and_enter_the_selection()
    {
        var ns = await fx.NewClientNamespaceAsync();
        await using var watch = await ConfigMapWatch.StartAsync(Client, ns, labelSelector: "team=a");
        await Client.CoreV1.CreateNamespacedConfigMapAsync(Cm("ignored", "x", new() { ["team"] = "b" }), ns);
        await Client.CoreV1.CreateNamespacedConfigMapAsync(Cm("sel", "x", new() { ["team"] = "a" }), ns);
        await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"metadata\":{\"labels\":{\"team\":\"b\"}}}", V1Patch.PatchType.MergePatch), "sel", ns);
        await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"metadata\":{\"labels\":{\"team\":\"a\"}}}", V1Patch.PatchType.MergePatch), "ignored", ns);

        var e1 = await watch.NextAsync();
        Assert.Equal((WatchEventType.Added, "sel"), (e1.Type, e1.Object.Metadata.Name));
        var e2 = await watch.NextAsync();
        Assert.Equal((WatchEventType.Deleted, "sel"), (e2.Type, e2.Object.Metadata.Name));
        Assert.Equal("b", e2.Object.Metadata.Labels["team"]);
        var e3 = await watch.NextAsync();
        Assert.Equal((WatchEventType.Added, "ignored"), (e3.Type, e3.Object.Metadata.Name));
    }

    [Fact]
    public async Task Idle_watches_that_allow_bookmarks_get_them()
    {
        var ns = await fx.NewClientNamespaceAsync();
        var cm = await Client.CoreV1.CreateNamespacedConfigMapAsync(Cm("b", "1"), ns);
        await using var watch = await ConfigMapWatch.StartAsync(Client, ns, resourceVersion: cm.Metadata.ResourceVersion, bookmarks: true);
        var ev = await watch.NextAsync(includeBookmarks: true);
        Assert.Equal(WatchEventType.Bookmark, ev.Type);
        Assert.True(Rv(ev.Object) >= Rv(cm));
    }

    [Fact]
    public async Task Watches_without_bookmarks_get_none()
    {
        var ns = await fx.NewClientNamespaceAsync();
        await using var watch = await ConfigMapWatch.StartAsync(Client, ns, bookmarks: false);

        // Longer than the fixture's bookmark interval (500 ms), then one real event must be the first thing seen.
        await using (var bookmarked = await ConfigMapWatch.StartAsync(Client, ns, bookmarks: true))
        {
            Assert.Equal(WatchEventType.Bookmark, (await bookmarked.NextAsync(includeBookmarks: true)).Type);
        }

        await Client.CoreV1.CreateNamespacedConfigMapAsync(Cm("nb", "1"), ns);
        var first = await watch.NextAsync(includeBookmarks: true);
        Assert.Equal(WatchEventType.Added, first.Type);
    }

    [Fact]
    public async Task Generated_watch_list_method_streams_from_a_list_resource_version()
    {
        var ns = await fx.NewClientNamespaceAsync();
        var list = await Client.CoreV1.ListNamespacedConfigMapAsync(ns);
        await Client.CoreV1.CreateNamespacedConfigMapAsync(Cm("g1", "1"), ns);
        await Client.CoreV1.DeleteNamespacedConfigMapAsync("g1", ns);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = new List<(WatchEventType, string)>();
        await foreach (var (type, obj) in Client.CoreV1.WatchListNamespacedConfigMapAsync(ns, resourceVersion: list.Metadata.ResourceVersion, cancellationToken: cts.Token))
        {
            seen.Add((type, obj.Metadata.Name));
            if (seen.Count == 2)
            {
                break;
            }
        }

        Assert.Equal([(WatchEventType.Added, "g1"), (WatchEventType.Deleted, "g1")], seen);
    }

    internal static long Rv(V1ConfigMap cm) => long.Parse(cm.Metadata.ResourceVersion, CultureInfo.InvariantCulture);
}

/// <summary>A tiny watch history, so that resourceVersions expire quickly.</summary>
public sealed class SmallHistoryFixture : ClientFixture
{
    protected override LocalControlPlaneOptions Options => new() { WatchHistorySize = 5 };
}

public sealed class ExpiredWatchTests(SmallHistoryFixture fx) : IClassFixture<SmallHistoryFixture>
{
    [Fact]
    public async Task Watch_from_a_too_old_resource_version_gets_410_expired()
    {
        var ns = await fx.NewClientNamespaceAsync();
        var old = await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "old" } }, ns);
        for (var i = 0; i < 10; i++)
        {
            await fx.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch($"{{\"data\":{{\"i\":\"{i}\"}}}}", V1Patch.PatchType.MergePatch), "old", ns);
        }

        await using var watch = await ConfigMapWatch.StartAsync(fx.Client, ns, resourceVersion: old.Metadata.ResourceVersion);
        Assert.True(await watch.WaitClosedAsync(TimeSpan.FromSeconds(10)), "the expired watch should end");
        var error = Assert.IsType<KubernetesException>(Assert.Single(watch.Errors));
        Assert.Equal((int)HttpStatusCode.Gone, error.Status.Code);
        Assert.Equal("Expired", error.Status.Reason);

        // Starting over from a fresh list works.
        var list = await fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns);
        await using var fresh = await ConfigMapWatch.StartAsync(fx.Client, ns, resourceVersion: list.Metadata.ResourceVersion);
        await fx.Client.CoreV1.DeleteNamespacedConfigMapAsync("old", ns);
        Assert.Equal(WatchEventType.Deleted, (await fresh.NextAsync()).Type);
    }
}
