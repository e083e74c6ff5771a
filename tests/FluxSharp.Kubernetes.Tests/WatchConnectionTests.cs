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
            using (var stop = new CancellationTokenSource())
            {
                // Stopped at its first event (a bookmark), as an informer stops at resync or shutdown; the server ends it after 1 s anyway.
                // On a loaded machine the server may end the watch before its first bookmark: then nothing was stopped
                // this round, and the PATCHes below must be answered all the same.
                try
                {
                    await foreach (var _ in client.WatchAsync(ns, resourceVersion, TimeSpan.FromSeconds(1), stop.Token))
                    {
                        await stop.CancelAsync();
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    // Stopped mid-stream: the case that used to leave a read on the connection.
                }
            }

            await Eventually.WaitAsync(() => _cluster.Plane.OpenWatches == 0, what: "the server to end the stopped watch");

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
