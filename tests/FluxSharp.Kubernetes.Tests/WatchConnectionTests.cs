using System.Diagnostics;
using System.Text.Json.Nodes;
using FluxSharp.Kubernetes.Client;
using FluxSharp.Testing;
using k8s;

namespace FluxSharp.Kubernetes.Tests;

/// <summary>
/// Watches share the client's HTTP/1.1 connection pool with every other request: stopping one must not leave
/// anything behind on a connection that goes back to the pool.
/// </summary>
public sealed class WatchConnectionTests : IClassFixture<WidgetClusterFixture>
{
    private readonly WidgetClusterFixture _cluster;

    public WatchConnectionTests(WidgetClusterFixture cluster) => _cluster = cluster;

    [Fact]
    public async Task RequestsAfterAStoppedWatchAreAnswered()
    {
        // A watch stopped mid-stream used to leave its read pending; once the server ended the stream the connection
        // went back to the pool with that read still on it, and it swallowed the next response sent there: a PATCH
        // then waited for the client's 100 s timeout (ControllerTests, after an informer stopped).
        var ns = await _cluster.NewNamespaceAsync();
        var client = new ResourceClient(_cluster.Client, WidgetClusterFixture.Widgets);
        for (var i = 0; i < 4; i++)
        {
            var widget = new JsonObject { ["apiVersion"] = "example.fluxsharp.dev/v1", ["kind"] = "Widget", ["metadata"] = new JsonObject { ["name"] = $"w{i}" } };
            await _cluster.Client.CustomObjects.CreateNamespacedCustomObjectAsync(widget, "example.fluxsharp.dev", "v1", ns, "widgets");
        }

        for (var round = 0; round < 3; round++)
        {
            var (_, resourceVersion) = await client.ListAsync(ns, CancellationToken.None);
            var events = 0;
            var openWhenStopped = 0;
            var stopped = false;
            using (var stop = new CancellationTokenSource())
            {
                // The server would keep this watch open for a minute (its first event is a bookmark after 0.5 s): it is
                // stopped by us, mid-stream, at its first event, as an informer stops at resync or shutdown.
                try
                {
                    await foreach (var _ in client.WatchAsync(ns, resourceVersion, TimeSpan.FromMinutes(1), stop.Token))
                    {
                        events++;
                        openWhenStopped = _cluster.Plane.OpenWatches;
                        await stop.CancelAsync();
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    stopped = true;
                }
            }

            Assert.True(stopped, $"round {round}: the watch ended by itself instead of being stopped");
            Assert.Equal(1, events);
            Assert.Equal(1, openWhenStopped);

            // Stopping closed the stream: the server sees it gone long before its one-minute timeout. A read left
            // pending on the connection instead would keep the stream open on the server until then.
            await Eventually.WaitAsync(() => _cluster.Plane.OpenWatches == 0, TimeSpan.FromSeconds(15), "the server to see the stopped watch closed");

            // Keep several connections busy for a while so that whichever one the watch used is taken again.
            var busy = Stopwatch.StartNew();
            var n = 0;
            while (busy.Elapsed < TimeSpan.FromSeconds(1))
            {
                n++;
                await Task.WhenAll(Enumerable.Range(0, 4).Select(i => PatchWithinAsync(client, ns, $"w{i}", $"{round}-{n}")));
            }
        }
    }

    private static async Task PatchWithinAsync(ResourceClient client, string ns, string name, string value)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            var patch = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["round"] = value } } };
            await client.MergePatchAsync(ns, name, patch, status: false, "test", deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            Assert.Fail($"a PATCH after a stopped watch got no answer within 10 s ({name}, round {value})");
        }
    }
}
