using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Tests.Infrastructure;

namespace FluxSharp.LocalCluster.Tests.Conformance;

/// <summary>
/// Request bodies as kube-apiserver decodes them: base64 byte fields, duplicate keys under fieldValidation, size
/// limits and media types. Refused bodies store nothing.
/// </summary>
public sealed class BodyConformanceTests(LocalControlPlaneFixture fixture) : IClassFixture<LocalControlPlaneFixture>
{
    private static StringContent Json(string body, string mediaType = "application/json") => new(body, Encoding.UTF8, mediaType);

    private static async Task<JsonObject> StatusAsync(HttpResponseMessage response, HttpStatusCode code, string reason)
    {
        Assert.Equal(code, response.StatusCode);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal("Status", (string?)status["kind"]);
        Assert.Equal("Failure", (string?)status["status"]);
        Assert.Equal(reason, (string?)status["reason"]);
        Assert.Equal((int)code, (int?)status["code"]);
        return status;
    }

    private async Task AssertAbsentAsync(HttpClient http, string ns, string resource, string name)
    {
        using var get = await http.GetAsync(new Uri($"/api/v1/namespaces/{ns}/{resource}/{name}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task A_secret_with_invalid_base64_is_400_naming_the_byte_and_string_data_still_works()
    {
        var ns = await fixture.NewNamespaceAsync();
        using var http = fixture.NewHttpClient();

        using var bad = await http.PostAsync(new Uri($"/api/v1/namespaces/{ns}/secrets", UriKind.Relative), Json("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"bad"},"data":{"username":"admin"}}"""));
        var status = await StatusAsync(bad, HttpStatusCode.BadRequest, "BadRequest");
        Assert.Equal("Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 4", (string?)status["message"]);
        await AssertAbsentAsync(http, ns, "secrets", "bad");

        using var good = await http.PostAsync(new Uri($"/api/v1/namespaces/{ns}/secrets", UriKind.Relative), Json("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"good"},"data":{"a":"dmFsdWU=\n"},"stringData":{"b":"plain"}}"""));
        Assert.Equal(HttpStatusCode.Created, good.StatusCode);
        var data = JsonNode.Parse(await good.Content.ReadAsStringAsync())!["data"]!;
        Assert.Equal("cGxhaW4=", (string?)data["b"]);
    }

    [Theory]
    [InlineData("YWJj", null)]
    [InlineData("YWI=", null)]
    [InlineData("YQ==", null)]
    [InlineData("YWJj\nZGVm", null)]
    [InlineData("admin", 4)]
    [InlineData("ab$d", 2)]
    [InlineData("a===", 1)]
    [InlineData("YQ=", 3)]
    [InlineData("YQ==YQ==", 4)]
    [InlineData("YWI=x", 4)]
    public void Base64_errors_are_at_the_offsets_gos_decoder_reports(string text, int? at)
    {
        Assert.Equal(at, FluxSharp.LocalCluster.Api.GoBase64.CorruptAt(text));
    }

    [Fact]
    public async Task A_duplicate_json_key_is_accepted_with_a_warning_and_the_last_value_wins()
    {
        var ns = await fixture.NewNamespaceAsync();
        using var http = fixture.NewHttpClient();

        using var created = await http.PostAsync(new Uri($"/api/v1/namespaces/{ns}/configmaps", UriKind.Relative), Json("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup","name":"dup"},"data":{"a":"1","a":"2"}}"""));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(["299 - \"duplicate field \\\"metadata.name\\\"\"", "299 - \"duplicate field \\\"data.a\\\"\""], created.Headers.GetValues("Warning"));
        Assert.Equal("2", (string?)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["data"]!["a"]);

        using var patched = await http.PatchAsync(new Uri($"/api/v1/namespaces/{ns}/configmaps/dup", UriKind.Relative), Json("""{"data":{"b":"1","b":"3"}}""", "application/merge-patch+json"));
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal("299 - \"duplicate field \\\"data.b\\\"\"", Assert.Single(patched.Headers.GetValues("Warning")));
        Assert.Equal("3", (string?)JsonNode.Parse(await patched.Content.ReadAsStringAsync())!["data"]!["b"]);
    }

    [Fact]
    public async Task A_duplicate_json_key_under_strict_field_validation_is_400_naming_the_field()
    {
        var ns = await fixture.NewNamespaceAsync();
        using var http = fixture.NewHttpClient();

        using var refused = await http.PostAsync(new Uri($"/api/v1/namespaces/{ns}/configmaps?fieldValidation=Strict", UriKind.Relative), Json("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup"},"data":{"a":"1","a":"2"}}"""));

        var status = await StatusAsync(refused, HttpStatusCode.BadRequest, "BadRequest");
        Assert.Equal("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: duplicate field \"data.a\"", (string?)status["message"]);
        await AssertAbsentAsync(http, ns, "configmaps", "dup");

        using var ignored = await http.PostAsync(new Uri($"/api/v1/namespaces/{ns}/configmaps?fieldValidation=Ignore", UriKind.Relative), Json("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup"},"data":{"a":"1","a":"2"}}"""));
        Assert.Equal(HttpStatusCode.Created, ignored.StatusCode);
        Assert.False(ignored.Headers.Contains("Warning"));
    }

    [Fact]
    public async Task A_duplicate_yaml_key_warns_in_go_yamls_words_and_is_400_under_strict()
    {
        var ns = await fixture.NewNamespaceAsync();
        using var http = fixture.NewHttpClient();
        const string Yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dup\ndata:\n  a: \"1\"\n  a: \"2\"\n";

        using var refused = await http.PostAsync(new Uri($"/api/v1/namespaces/{ns}/configmaps?fieldValidation=Strict", UriKind.Relative), Json(Yaml, "application/yaml"));
        var status = await StatusAsync(refused, HttpStatusCode.BadRequest, "BadRequest");
        Assert.Equal("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: yaml: unmarshal errors:\n  line 7: key \"a\" already set in map", (string?)status["message"]);
        await AssertAbsentAsync(http, ns, "configmaps", "dup");

        using var created = await http.PostAsync(new Uri($"/api/v1/namespaces/{ns}/configmaps", UriKind.Relative), Json(Yaml, "application/yaml"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("299 - \"line 7: key \\\"a\\\" already set in map\"", Assert.Single(created.Headers.GetValues("Warning")));
        Assert.Equal("2", (string?)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["data"]!["a"]);

        using var applied = await http.PatchAsync(new Uri($"/api/v1/namespaces/{ns}/configmaps/dup?fieldManager=tester&force=true", UriKind.Relative), Json(Yaml.Replace("\"2\"", "\"3\"", StringComparison.Ordinal), "application/apply-patch+yaml"));
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        Assert.Equal("299 - \"line 7: key \\\"a\\\" already set in map\"", Assert.Single(applied.Headers.GetValues("Warning")));
        Assert.Equal("3", (string?)JsonNode.Parse(await applied.Content.ReadAsStringAsync())!["data"]!["a"]);
    }

    [Fact]
    public async Task A_configmap_over_1_mib_is_invalid_and_a_body_over_3_mib_is_too_large()
    {
        var ns = await fixture.NewNamespaceAsync();
        using var http = fixture.NewHttpClient();
        var twoMiB = new string('x', 2 * 1024 * 1024);

        using var big = await http.PostAsync(new Uri($"/api/v1/namespaces/{ns}/configmaps", UriKind.Relative), Json($$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"},"data":{"k":"{{{twoMiB}}}"}}"""));
        var status = await StatusAsync(big, HttpStatusCode.UnprocessableEntity, "Invalid");
        Assert.Equal("ConfigMap \"big\" is invalid: []: Too long: may not be more than 1048576 bytes", (string?)status["message"]);
        await AssertAbsentAsync(http, ns, "configmaps", "big");

        var secretData = Convert.ToBase64String(new byte[(1024 * 1024) + 1]);
        using var bigSecret = await http.PostAsync(new Uri($"/api/v1/namespaces/{ns}/secrets", UriKind.Relative), Json($$$"""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"big"},"data":{"k":"{{{secretData}}}"}}"""));
        Assert.Equal("Secret \"big\" is invalid: data: Too long: may not be more than 1048576 bytes", (string?)(await StatusAsync(bigSecret, HttpStatusCode.UnprocessableEntity, "Invalid"))["message"]);

        var fourMiB = new string('x', 4 * 1024 * 1024);
        using var huge = await http.PostAsync(new Uri($"/api/v1/namespaces/{ns}/configmaps", UriKind.Relative), Json($$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"huge"},"data":{"k":"{{{fourMiB}}}"}}"""));
        Assert.Equal("Request entity too large: limit is 3145728", (string?)(await StatusAsync(huge, HttpStatusCode.RequestEntityTooLarge, "RequestEntityTooLarge"))["message"]);
        await AssertAbsentAsync(http, ns, "configmaps", "huge");
    }

    [Fact]
    public async Task A_text_plain_body_is_415_on_create_update_and_patch()
    {
        var ns = await fixture.NewNamespaceAsync();
        using var http = fixture.NewHttpClient();
        const string Body = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"plain"},"data":{"a":"1"}}""";

        using var create = await http.PostAsync(new Uri($"/api/v1/namespaces/{ns}/configmaps", UriKind.Relative), Json(Body, "text/plain"));
        var status = await StatusAsync(create, HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType");
        Assert.Equal("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf", (string?)status["message"]);
        await AssertAbsentAsync(http, ns, "configmaps", "plain");

        using var made = await http.PostAsync(new Uri($"/api/v1/namespaces/{ns}/configmaps", UriKind.Relative), Json(Body));
        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        using var update = await http.PutAsync(new Uri($"/api/v1/namespaces/{ns}/configmaps/plain", UriKind.Relative), Json(Body, "text/plain"));
        await StatusAsync(update, HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType");
        using var patch = await http.PatchAsync(new Uri($"/api/v1/namespaces/{ns}/configmaps/plain", UriKind.Relative), Json("""{"data":{"a":"2"}}""", "text/plain"));
        Assert.Equal("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json", (string?)(await StatusAsync(patch, HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType"))["message"]);
    }
}
