using FluxSharp.LocalCluster.Tests.Infrastructure;
using FluxSharp.Testing;

namespace FluxSharp.LocalCluster.Tests.Conformance;

/// <summary>
/// The GitRepository CRD (as FluxSharp generates it into config/crd/, with Flux's schema) through kubectl:
/// establishment, printer columns, schema validation, strict fields.
/// </summary>
public sealed class CustomResourceConformanceTests(LocalControlPlaneFixture fixture) : IClassFixture<LocalControlPlaneFixture>, IAsyncLifetime
{
    private static readonly string CrdFile = RepoFiles.GitRepositoryCrdPath;

    private Kubectl Kubectl => fixture.Kubectl;

    public async Task InitializeAsync()
    {
        // Applying the same CRD again is idempotent, so each test can start with it.
        await Kubectl.OkAsync("apply", "--server-side", "-f", CrdFile);
        await Kubectl.OkAsync("wait", "--for", "condition=established", "crd/gitrepositories.source.toolkit.fluxcd.io", "--timeout=15s");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static string GitRepository(string ns, string name, string spec) => $$"""
        apiVersion: source.toolkit.fluxcd.io/v1
        kind: GitRepository
        metadata: {name: {{name}}, namespace: {{ns}} }
        spec:
        {{spec}}
        """;

    [Fact]
    public async Task CrdBecomesEstablishedAndIsDiscoverable()
    {
        var crd = await Kubectl.GetJsonAsync("get", "crd", "gitrepositories.source.toolkit.fluxcd.io");
        var conditions = crd["status"]!["conditions"]!.AsArray();
        Assert.Contains(conditions, c => c.Str("type") == "Established" && c.Str("status") == "True");
        Assert.Contains(conditions, c => c.Str("type") == "NamesAccepted" && c.Str("status") == "True");

        var resources = await Kubectl.OkAsync("api-resources", "--api-group=source.toolkit.fluxcd.io", "-o", "name");
        Assert.Contains("gitrepositories.source.toolkit.fluxcd.io", resources, StringComparison.Ordinal);
        Assert.Contains("source.toolkit.fluxcd.io/v1", await Kubectl.OkAsync("api-versions"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreatedGitRepositoryIsListedWithPrinterColumnsAndShortName()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Kubectl.OkWithInputAsync(GitRepository(ns, "podinfo", "  interval: 1m\n  url: https://github.com/stefanprodan/podinfo\n  ref: {branch: master}"), "apply", "-f", "-");

        var lines = (await Kubectl.OkAsync("get", "gitrepositories", "-n", ns)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAME", "URL", "AGE", "READY", "STATUS"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["podinfo", "https://github.com/stefanprodan/podinfo"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[..2]);

        var viaShortName = await Kubectl.GetJsonAsync("get", "gitrepo", "podinfo", "-n", ns);
        Assert.Equal("GitRepository", viaShortName.Str("kind"));
        Assert.Equal("1", viaShortName.Str("metadata", "generation"));
        Assert.Equal("60s", viaShortName.Str("spec", "timeout"));
    }

    [Fact]
    public async Task StatusWrittenThroughSubresourceShowsInReadyColumn()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Kubectl.OkWithInputAsync(GitRepository(ns, "ready", "  interval: 1m\n  url: https://example.com/repo"), "apply", "-f", "-");

        await Kubectl.OkAsync(
            "patch", "gitrepository", "ready", "-n", ns, "--subresource=status", "--type=merge",
            "-p", """{"status":{"conditions":[{"type":"Ready","status":"True","reason":"Succeeded","message":"stored artifact","lastTransitionTime":"2025-01-01T00:00:00Z"}]}}""");

        var row = (await Kubectl.OkAsync("get", "gitrepository", "ready", "-n", ns, "--no-headers")).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("True", row[3]);
        Assert.Equal("stored artifact", string.Join(' ', row[4..]).Trim());
        var obj = await Kubectl.GetJsonAsync("get", "gitrepository", "ready", "-n", ns);
        Assert.Equal("1", obj.Str("metadata", "generation"));
    }

    [Fact]
    public async Task SchemaViolationsAreRejectedWithFieldPaths()
    {
        var ns = await fixture.NewNamespaceAsync();

        var result = await Kubectl.FailsAsync(GitRepository(ns, "bad", "  interval: 1m\n  url: ftp://example.com/repo\n  provider: nope"), "apply", "-f", "-");

        Assert.Contains("The GitRepository \"bad\" is invalid: ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("spec.provider: Unsupported value: \"nope\": supported values: \"generic\", \"aws\", \"azure\", \"github\"", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("spec.url: Invalid value: \"ftp://example.com/repo\": spec.url in body should match '^(http|https|ssh|file)://.*$'", result.Stderr, StringComparison.Ordinal);
        Assert.False(await Kubectl.ExistsAsync("get", "gitrepository", "bad", "-n", ns));

        var missing = await Kubectl.FailsAsync(GitRepository(ns, "incomplete", "  url: https://example.com/repo"), "create", "-f", "-");
        Assert.Contains("spec.interval: Required value", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownFieldIsRejectedWithStrictValidationAndPrunedOtherwise()
    {
        var ns = await fixture.NewNamespaceAsync();
        var manifest = GitRepository(ns, "unk", "  interval: 1m\n  url: https://example.com/repo\n  bogus: 1");

        var strict = await Kubectl.FailsAsync(manifest, "apply", "--validate=strict", "-f", "-");
        Assert.Contains("strict decoding error: unknown field \"spec.bogus\"", strict.Stderr, StringComparison.Ordinal);
        Assert.False(await Kubectl.ExistsAsync("get", "gitrepository", "unk", "-n", ns));

        var warned = await Kubectl.RunAsync(["apply", "--validate=warn", "-f", "-"], manifest);
        warned.EnsureSuccess();
        Assert.Contains("unknown field \"spec.bogus\"", warned.Stderr, StringComparison.Ordinal);
        var stored = await Kubectl.GetJsonAsync("get", "gitrepository", "unk", "-n", ns);
        Assert.Null(stored["spec"]!["bogus"]);
    }

    [Fact]
    public async Task ServerSideApplyAndDeleteOfCustomResource()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Kubectl.OkWithInputAsync(GitRepository(ns, "ssa", "  interval: 1m\n  url: https://example.com/a\n  ref: {branch: main}"), "apply", "--server-side", "--field-manager=flux", "-f", "-");
        await Kubectl.OkWithInputAsync(GitRepository(ns, "ssa", "  interval: 5m\n  url: https://example.com/a"), "apply", "--server-side", "--field-manager=flux", "-f", "-");

        var obj = await Kubectl.GetJsonAsync("get", "gitrepository", "ssa", "-n", ns);
        Assert.Equal("5m", obj.Str("spec", "interval"));
        Assert.Null(obj["spec"]!["ref"]);
        Assert.Equal("2", obj.Str("metadata", "generation"));

        var strategic = await Kubectl.FailsAsync(null, "patch", "gitrepository", "ssa", "-n", ns, "--type=strategic", "-p", """{"spec":{"suspend":true}}""");
        Assert.Contains("application/strategic-merge-patch+json is not supported by source.toolkit.fluxcd.io/v1, Kind=GitRepository: the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml", strategic.Stderr, StringComparison.Ordinal);

        await Kubectl.OkAsync("delete", "gitrepository", "ssa", "-n", ns);
        Assert.False(await Kubectl.ExistsAsync("get", "gitrepository", "ssa", "-n", ns));
    }
}
