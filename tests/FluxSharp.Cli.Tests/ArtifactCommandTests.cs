using System.Text.Json.Nodes;
using FluxSharp.Testing.Git;
using FluxSharp.Testing.Oci;

namespace FluxSharp.Cli.Tests;

/// <summary>`push|pull|tag|list|build|diff artifact` against a real registry, with skopeo as the judge.</summary>
public sealed class ArtifactCommandTests : IClassFixture<RegistryFixture>, IDisposable
{
    private readonly RegistryFixture _registries;
    private readonly TempDirectory _tmp = new("fluxsharp-artifact-cli");

    public ArtifactCommandTests(RegistryFixture registries) => _registries = registries;

    public void Dispose() => _tmp.Dispose();

    private string Content()
    {
        var dir = _tmp.Sub("src-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(Path.Combine(dir, "apps"));
        File.WriteAllText(Path.Combine(dir, "apps", "cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n");
        return dir;
    }

    [Fact]
    public async Task PushPrintsTheDigestAndPullTagListAndDiffWorkOnIt()
    {
        var repo = _registries.Plain.Url("cli/r" + Guid.NewGuid().ToString("N")[..8]);
        var content = Content();
        var push = await FluxResult.RunAsync("push", "artifact", repo + ":1.0.0", "--path", content, "--source", "https://example.com/repo.git",
            "--revision", "main@sha1:abc", "--annotations", "team=platform", "--reproducible", "--insecure-registry", "-o", "json");
        Assert.True(push.ExitCode == 0, push.Stderr);
        var digest = (string)JsonNode.Parse(push.Stdout)!["digest"]!;
        var raw = JsonNode.Parse(await Skopeo.RunAsync(["inspect", "--raw", "--tls-verify=false", "--no-creds", $"docker://{repo[6..]}:1.0.0"]))!;
        Assert.Equal("platform", (string?)raw["annotations"]!["team"]);
        Assert.Equal("main@sha1:abc", (string?)raw["annotations"]!["org.opencontainers.image.revision"]);

        var again = await FluxResult.RunAsync("push", "artifact", repo + ":again", "--path", content, "--source", "https://example.com/repo.git",
            "--revision", "main@sha1:abc", "--annotations", "team=platform", "--reproducible", "--insecure-registry");
        Assert.Contains($"artifact successfully pushed to {repo[6..]}@{digest}", again.Stderr, StringComparison.Ordinal);

        var tag = await FluxResult.RunAsync("tag", "artifact", repo + ":1.0.0", "--tag", "2.0.0", "--insecure-registry");
        Assert.True(tag.ExitCode == 0, tag.Stderr);
        var list = await FluxResult.RunAsync("list", "artifacts", repo, "--filter-semver", ">=1.0.0", "--insecure-registry");
        Assert.True(list.ExitCode == 0, list.Stderr);
        var rows = list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, rows.Length);
        Assert.StartsWith($"{repo[6..]}:2.0.0", rows[1], StringComparison.Ordinal);
        Assert.Contains(digest, rows[2], StringComparison.Ordinal);

        var target = _tmp.Sub("pulled");
        var pull = await FluxResult.RunAsync("pull", "artifact", repo + ":2.0.0", "--output", target, "--insecure-registry");
        Assert.True(pull.ExitCode == 0, pull.Stderr);
        Assert.Contains($"digest {digest}", pull.Stderr, StringComparison.Ordinal);
        Assert.Contains("kind: ConfigMap", File.ReadAllText(Path.Combine(target, "apps", "cm.yaml")), StringComparison.Ordinal);

        var same = await FluxResult.RunAsync("diff", "artifact", repo + ":2.0.0", "--path", content, "--insecure-registry");
        Assert.True(same.ExitCode == 0, same.Stderr);
        File.WriteAllText(Path.Combine(content, "apps", "cm.yaml"), "changed\n");
        var changed = await FluxResult.RunAsync("diff", "artifact", repo + ":2.0.0", "--path", content, "--insecure-registry");
        Assert.Equal(1, changed.ExitCode);
        Assert.Contains("changed: apps/cm.yaml", changed.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BuildArtifactWritesTheSameBytesEveryTime()
    {
        var content = Content();
        var a = await FluxResult.RunAsync("build", "artifact", "--path", content, "--output", _tmp.Sub("a.tgz"));
        Assert.True(a.ExitCode == 0, a.Stderr);
        File.SetLastWriteTimeUtc(Path.Combine(content, "apps", "cm.yaml"), DateTime.UtcNow.AddDays(-1));
        await FluxResult.RunAsync("build", "artifact", "--path", content, "--output", _tmp.Sub("b.tgz"));
        Assert.Equal(File.ReadAllBytes(_tmp.Sub("a.tgz")), File.ReadAllBytes(_tmp.Sub("b.tgz")));
    }

    [Fact]
    public async Task WrongCredentialsAndUnknownTagsFailInOneLineWithoutTheSecret()
    {
        var repo = _registries.Auth.Url("cli/private");
        var wrong = await FluxResult.RunAsync("pull", "artifact", repo + ":v1", "--output", _tmp.Sub("x"), "--insecure-registry", "--creds", "flux:not-the-password");
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("authentication failed", wrong.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", wrong.Stderr, StringComparison.Ordinal);

        var missing = await FluxResult.RunAsync("pull", "artifact", _registries.Plain.Url("cli/none") + ":v9", "--output", _tmp.Sub("y"), "--insecure-registry");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("MANIFEST_UNKNOWN", missing.Stderr, StringComparison.Ordinal);
    }
}
