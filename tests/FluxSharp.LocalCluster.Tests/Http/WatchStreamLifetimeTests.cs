using System.Net;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Tests.Infrastructure;
using FluxSharp.Testing;

namespace FluxSharp.LocalCluster.Tests.Http;

/// <summary>How long the server keeps serving a watch: until its timeout, or until its client goes away.</summary>
public sealed class WatchStreamLifetimeTests(LocalControlPlaneFixture fixture) : IClassFixture<LocalControlPlaneFixture>
{
    [Fact]
    public async Task AWatchEndsOnTheServerWhenItsClientGoesAwayEvenWithNothingToSend()
    {
        using var http = fixture.NewHttpClient();
        var list = JsonNode.Parse(await http.GetStringAsync("/api/v1/namespaces/default/persistentvolumeclaims"))!;
        var from = (string?)list["metadata"]!["resourceVersion"];
        using (var response = await http.GetAsync($"/api/v1/namespaces/default/persistentvolumeclaims?watch=true&resourceVersion={from}", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await Eventually.WaitAsync(() => fixture.Plane.OpenWatches == 1, what: "the watch to be served");

            // No events and no bookmarks: the only way the server learns of it is the connection closing, which
            // is what cancelling a pending read does.
            using var stop = new CancellationTokenSource();
            var stream = await response.Content.ReadAsStreamAsync();
            var read = stream.ReadAsync(new byte[1], stop.Token).AsTask();
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);
        }

        await Eventually.WaitAsync(() => fixture.Plane.OpenWatches == 0, what: "the server to stop serving a watch whose client went away");
    }

    [Fact]
    public async Task AWatchEndsAtItsTimeout()
    {
        using var http = fixture.NewHttpClient();
        var list = JsonNode.Parse(await http.GetStringAsync("/api/v1/namespaces/default/persistentvolumeclaims"))!;
        var from = (string?)list["metadata"]!["resourceVersion"];
        using var response = await http.GetAsync($"/api/v1/namespaces/default/persistentvolumeclaims?watch=true&resourceVersion={from}&timeoutSeconds=1", HttpCompletionOption.ResponseHeadersRead);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync(deadline.Token));
        await Eventually.WaitAsync(() => fixture.Plane.OpenWatches == 0, what: "the timed-out watch to be gone");
    }
}
