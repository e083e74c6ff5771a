using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Tests.Infrastructure;
using FluxSharp.Testing;

namespace FluxSharp.LocalCluster.Tests.Http;

/// <summary>The API as plain HTTP sees it: discovery media types, Status bodies, shared Event storage.</summary>
public sealed class RawApiTests : IClassFixture<LocalControlPlaneFixture>, IDisposable
{
    private readonly HttpClient _http;

    public RawApiTests(LocalControlPlaneFixture fixture)
    {
        _http = fixture.NewHttpClient();
    }

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task AggregatedDiscoveryIsServedWithItsMediaTypeAndLegacyDiscoveryOtherwise()
    {
        using var aggregated = new HttpRequestMessage(HttpMethod.Get, "/apis");
        aggregated.Headers.Accept.ParseAdd("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json");
        using var response = await _http.SendAsync(aggregated);
        Assert.Equal("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList", response.Content.Headers.ContentType!.ToString().Replace(" ", string.Empty, StringComparison.Ordinal));
        var doc = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("APIGroupDiscoveryList", (string?)doc["kind"]);
        var apps = doc["items"]!.AsArray().First(i => (string?)i!["metadata"]!["name"] == "apps")!;
        var deployments = apps["versions"]![0]!["resources"]!.AsArray().First(r => (string?)r!["resource"] == "deployments")!;
        Assert.Equal("Namespaced", (string?)deployments["scope"]);
        Assert.Contains(deployments["subresources"]!.AsArray(), s => (string?)s!["subresource"] == "scale");

        var legacy = JsonNode.Parse(await _http.GetStringAsync("/apis"))!;
        Assert.Equal("APIGroupList", (string?)legacy["kind"]);
    }

    [Fact]
    public async Task NotFoundIsAStatusNamingTheObject()
    {
        using var response = await _http.GetAsync("/api/v1/namespaces/default/configmaps/nope");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Status", (string?)status["kind"]);
        Assert.Equal("NotFound", (string?)status["reason"]);
        Assert.Equal("configmaps \"nope\" not found", (string?)status["message"]);
        Assert.Equal(404, (int?)status["code"]);
    }

    [Fact]
    public async Task MalformedJsonIsABadRequestAndTheServerKeepsServing()
    {
        using var content = new StringContent("{\"apiVersion\": \"v1\", \"kind\": ", Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync("/api/v1/namespaces/default/configmaps", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("BadRequest", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["reason"]);
        using var version = await _http.GetAsync("/version");
        Assert.Equal(HttpStatusCode.OK, version.StatusCode);
    }

    [Fact]
    public async Task AKindThatDoesNotMatchTheUrlIsRejected()
    {
        using var content = new StringContent("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}}""", Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync("/api/v1/namespaces/default/configmaps", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("does not match the expected kind (ConfigMap)", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OversizedBodiesGet413()
    {
        var big = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"big\"},\"data\":{\"a\":\"" + new string('x', 3 * 1024 * 1024) + "\"}}";
        using var content = new StringContent(big, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync("/api/v1/namespaces/default/configmaps", content);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task CoreEventsAreServedAsEventsV1FromTheSameStorage()
    {
        using var content = new StringContent(
            """{"apiVersion":"v1","kind":"Event","metadata":{"name":"shared-ev"},"involvedObject":{"kind":"ConfigMap","name":"x","namespace":"default"},"reason":"Tested","message":"hello","type":"Normal","count":2}""",
            Encoding.UTF8,
            "application/json");
        using var created = await _http.PostAsync("/api/v1/namespaces/default/events", content);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var asEventsV1 = JsonNode.Parse(await _http.GetStringAsync("/apis/events.k8s.io/v1/namespaces/default/events/shared-ev"))!;
        Assert.Equal("events.k8s.io/v1", (string?)asEventsV1["apiVersion"]);
        Assert.Equal("hello", (string?)asEventsV1["note"]);
        Assert.Equal("x", (string?)asEventsV1["regarding"]!["name"]);
        Assert.Equal(2, (int?)asEventsV1["deprecatedCount"]);

        using var patch = new StringContent("""{"note":"changed"}""", Encoding.UTF8);
        patch.Headers.ContentType = new MediaTypeHeaderValue("application/merge-patch+json");
        using var patched = await _http.PatchAsync("/apis/events.k8s.io/v1/namespaces/default/events/shared-ev", patch);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var core = JsonNode.Parse(await _http.GetStringAsync("/api/v1/namespaces/default/events/shared-ev"))!;
        Assert.Equal("changed", (string?)core["message"]);
    }
}
