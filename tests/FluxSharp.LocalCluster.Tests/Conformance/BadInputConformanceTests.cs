using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Tests.Infrastructure;
using FluxSharp.Testing;

namespace FluxSharp.LocalCluster.Tests.Conformance;

/// <summary>Malformed and invalid requests get the real server's errors, and the server keeps serving afterwards.</summary>
public sealed class BadInputConformanceTests(LocalControlPlaneFixture fixture) : IClassFixture<LocalControlPlaneFixture>
{
    private Kubectl Kubectl => fixture.Kubectl;

    private async Task<string> WriteFileAsync(string name, string content)
    {
        var path = Path.Combine(fixture.Directory, $"{Guid.NewGuid():N}-{name}");
        await File.WriteAllTextAsync(path, content);
        return path;
    }

    private async Task<string> NamespaceWithSurvivorAsync()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Kubectl.OkWithInputAsync($"{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"survivor\",\"namespace\":\"{ns}\"}},\"data\":{{\"k\":\"v\"}}}}", "create", "-f", "-");
        return ns;
    }

    private async Task AssertSurvivorIntactAsync(string ns)
    {
        var survivor = await Kubectl.GetJsonAsync("get", "configmap", "survivor", "-n", ns);
        Assert.Equal("v", survivor.Str("data", "k"));
    }

    [Fact]
    public async Task MalformedYamlIsRejectedByKubectl()
    {
        var ns = await NamespaceWithSurvivorAsync();

        var result = await Kubectl.FailsAsync("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n  data: [", "create", "-n", ns, "-f", "-");

        Assert.Contains("error converting YAML to JSON", result.Stderr, StringComparison.Ordinal);
        await AssertSurvivorIntactAsync(ns);
    }

    [Fact]
    public async Task MalformedJsonBodyIsBadRequest()
    {
        var ns = await NamespaceWithSurvivorAsync();
        var file = await WriteFileAsync("bad.json", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"");

        var result = await Kubectl.FailsAsync(null, "create", "--raw", $"/api/v1/namespaces/{ns}/configmaps", "-f", file);

        Assert.Contains("Error from server (BadRequest)", result.Stderr, StringComparison.Ordinal);
        await AssertSurvivorIntactAsync(ns);
    }

    [Fact]
    public async Task MalformedYamlBodyThroughRawRequestIsBadRequest()
    {
        var ns = await NamespaceWithSurvivorAsync();
        var file = await WriteFileAsync("bad.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n");

        // --raw sends the file as-is; the server sniffs JSON vs YAML the way the real decoder does.
        var result = await Kubectl.FailsAsync(null, "create", "--raw", $"/api/v1/namespaces/{ns}/configmaps", "-f", file);

        Assert.Contains("Error from server (BadRequest)", result.Stderr, StringComparison.Ordinal);
        await AssertSurvivorIntactAsync(ns);
    }

    [Fact]
    public async Task KindThatDoesNotMatchTheUrlIsBadRequest()
    {
        var ns = await NamespaceWithSurvivorAsync();
        var file = await WriteFileAsync("secret.json", $"{{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{{\"name\":\"mismatch\",\"namespace\":\"{ns}\"}}}}");

        var result = await Kubectl.FailsAsync(null, "create", "--raw", $"/api/v1/namespaces/{ns}/configmaps", "-f", file);

        Assert.Contains("Error from server (BadRequest)", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Secret", result.Stderr, StringComparison.Ordinal);
        Assert.False(await Kubectl.ExistsAsync("get", "configmap", "mismatch", "-n", ns));
        Assert.False(await Kubectl.ExistsAsync("get", "secret", "mismatch", "-n", ns));
    }

    [Fact]
    public async Task NamespaceInBodyThatDoesNotMatchTheUrlIsBadRequest()
    {
        var ns = await NamespaceWithSurvivorAsync();
        var file = await WriteFileAsync("cm.json", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"elsewhere\",\"namespace\":\"kube-system\"}}");

        var result = await Kubectl.FailsAsync(null, "create", "--raw", $"/api/v1/namespaces/{ns}/configmaps", "-f", file);

        Assert.Contains("the namespace of the provided object does not match the namespace sent on the request", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RawCreateWithValidBodyReturnsTheCreatedObject()
    {
        var ns = await NamespaceWithSurvivorAsync();
        var file = await WriteFileAsync("ok.json", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"raw\"},\"data\":{\"x\":\"y\"}}");

        var created = JsonNode.Parse(await Kubectl.OkAsync("create", "--raw", $"/api/v1/namespaces/{ns}/configmaps", "-f", file))!;

        Assert.Equal(ns, created.Str("metadata", "namespace"));
        Assert.Equal("y", created.Str("data", "x"));
        var raw = JsonNode.Parse(await Kubectl.OkAsync("get", "--raw", $"/api/v1/namespaces/{ns}/configmaps/raw"))!;
        Assert.Equal(created.Str("metadata", "uid"), raw.Str("metadata", "uid"));
    }

    [Fact]
    public async Task InvalidNameIsUnprocessableWithTheRealMessage()
    {
        var ns = await NamespaceWithSurvivorAsync();

        var result = await Kubectl.FailsAsync($"{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"Foo_Bar\",\"namespace\":\"{ns}\"}}}}", "create", "-f", "-");

        Assert.Contains(
            "The ConfigMap \"Foo_Bar\" is invalid: metadata.name: Invalid value: \"Foo_Bar\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
            result.Stderr,
            StringComparison.Ordinal);

        var raw = await Kubectl.FailsAsync(null, "create", "--raw", $"/api/v1/namespaces/{ns}/configmaps", "-f", await WriteFileAsync("n.json", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"Foo_Bar\"}}"));
        Assert.Contains("The ConfigMap \"Foo_Bar\" is invalid: metadata.name: Invalid value: \"Foo_Bar\"", raw.Stderr, StringComparison.Ordinal);
        await AssertSurvivorIntactAsync(ns);
    }

    [Fact]
    public async Task InvalidNamespaceNameUsesTheLabelRule()
    {
        var result = await Kubectl.FailsAsync("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"has.dots\"}}", "create", "-f", "-");

        Assert.Contains("The Namespace \"has.dots\" is invalid: metadata.name: Invalid value: \"has.dots\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidLabelValueIsUnprocessable()
    {
        var ns = await NamespaceWithSurvivorAsync();

        var result = await Kubectl.FailsAsync($"{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"lbl\",\"namespace\":\"{ns}\",\"labels\":{{\"app\":\"bad value!\"}}}}}}", "create", "-f", "-");

        Assert.Contains(
            "The ConfigMap \"lbl\" is invalid: metadata.labels: Invalid value: \"bad value!\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
            result.Stderr,
            StringComparison.Ordinal);

        // kubectl label checks values itself; a merge patch gets the server's answer.
        var viaPatch = await Kubectl.FailsAsync(null, "patch", "configmap", "survivor", "-n", ns, "--type=merge", "-p", """{"metadata":{"labels":{"app":"bad value!"}}}""");
        Assert.Contains("The ConfigMap \"survivor\" is invalid: metadata.labels: Invalid value: \"bad value!\"", viaPatch.Stderr, StringComparison.Ordinal);
        await AssertSurvivorIntactAsync(ns);
    }

    [Fact]
    public async Task OversizedBodyIsRequestEntityTooLarge()
    {
        var ns = await NamespaceWithSurvivorAsync();
        var big = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = "big", ["namespace"] = ns },
            ["data"] = new JsonObject { ["blob"] = new string('x', (3 * 1024 * 1024) + 16) },
        };
        var file = await WriteFileAsync("big.json", big.ToJsonString());

        var raw = await Kubectl.FailsAsync(null, "create", "--raw", $"/api/v1/namespaces/{ns}/configmaps", "-f", file);
        Assert.Contains("Request entity too large: limit is 3145728", raw.Stderr, StringComparison.Ordinal);

        var viaCreate = await Kubectl.FailsAsync(null, "create", "-f", file);
        Assert.Contains("Error from server (RequestEntityTooLarge)", viaCreate.Stderr, StringComparison.Ordinal);

        Assert.False(await Kubectl.ExistsAsync("get", "configmap", "big", "-n", ns));
        await AssertSurvivorIntactAsync(ns);
    }

    [Fact]
    public async Task UnknownResourceAndUnknownPathAreNotFound()
    {
        var unknownType = await Kubectl.FailsAsync(null, "get", "widgets");
        Assert.Contains("the server doesn't have a resource type \"widgets\"", unknownType.Stderr, StringComparison.Ordinal);

        var unknownPath = await Kubectl.FailsAsync(null, "get", "--raw", "/apis/nothing.example.com/v1/things");
        Assert.Contains("Error from server (NotFound)", unknownPath.Stderr, StringComparison.Ordinal);
        Assert.Equal("ok", await Kubectl.OkAsync("get", "--raw", "/readyz"));
    }
}
