using FluxSharp.Api.Source.V1;
using FluxSharp.Controllers.Tests.Infrastructure;

namespace FluxSharp.Controllers.Tests;

/// <summary>GitRepository over file://: the artifact of a branch, a tag, a semver range, a commit and a reference name.</summary>
public sealed class GitRepositoryReferenceTests : IClassFixture<SourceControllerFixture>
{
    private readonly SourceControllerFixture _f;

    public GitRepositoryReferenceTests(SourceControllerFixture f) => _f = f;

    [Fact]
    public async Task BranchProducesADownloadableArtifactWithIgnoreRulesApplied()
    {
        var ns = await _f.NewNamespaceAsync();
        var git = await _f.NewGitAsync();
        git.WriteFile(".sourceignore", "*.secret\nignored/\n")
            .WriteFile("deploy/app.yaml", "kind: ConfigMap\n")
            .WriteFile("ignored/notes.txt", "not in the artifact\n")
            .WriteFile("keys.secret", "hunter2\n");
        var sha = await git.CommitAndPushAsync("initial");

        await _f.CreateAsync(SourceControllerFixture.NewRepository(ns, "app", git.FileUrl));
        var repo = await _f.WaitReadyAsync(ns, "app");

        var ready = SourceControllerFixture.Ready(repo)!;
        Assert.Equal("Succeeded", ready.Reason);
        Assert.Equal($"stored artifact for revision 'main@sha1:{sha}'", ready.Message);
        Assert.Equal(repo.Metadata.Generation, repo.Status!.ObservedGeneration);
        Assert.Contains(Api.FluxNames.Finalizer, repo.Metadata.Finalizers ?? []);
        Assert.Equal("True", SourceControllerFixture.Condition(repo, "ArtifactInStorage")?.Status);

        var artifact = repo.Status.Artifact!;
        Assert.Equal($"main@sha1:{sha}", artifact.Revision);
        Assert.Matches("^sha256:[0-9a-f]{64}$", artifact.Digest);
        Assert.True(artifact.Size > 0);
        Assert.Equal($"{_f.Manager.ArtifactBaseUrl.ToString().TrimEnd('/')}/gitrepository/{ns}/app/{sha}.tar.gz", artifact.Url);
        Assert.True(artifact.LastUpdateTime > DateTime.UtcNow.AddMinutes(-5));

        var (bytes, digest, entries) = await _f.DownloadAsync(artifact.Url);
        Assert.Equal(artifact.Digest, digest);
        Assert.Equal(artifact.Size, bytes.Length);
        Assert.Contains("deploy/app.yaml", entries);
        Assert.DoesNotContain(entries, e => e == ".git" || e.StartsWith(".git/", StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => e.StartsWith("ignored", StringComparison.Ordinal));
        Assert.DoesNotContain("keys.secret", entries);
        Assert.Equal("kind: ConfigMap\n", await SourceControllerFixture.ReadEntryAsync(bytes, "deploy/app.yaml"));

        var created = await _f.WaitEventAsync(ns, "app", "Normal", "NewArtifact");
        Assert.Contains("initial", created.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SpecIgnoreIsAppliedOnTopOfSourceIgnore()
    {
        var ns = await _f.NewNamespaceAsync();
        var git = await _f.NewGitAsync();
        git.WriteFile("deploy/app.yaml", "a\n").WriteFile("docs/readme.md", "b\n");
        await git.CommitAndPushAsync("initial");
        var repo = SourceControllerFixture.NewRepository(ns, "ign", git.FileUrl);
        repo.Spec = repo.Spec with { Ignore = "docs/\n" };
        await _f.CreateAsync(repo);
        var ready = await _f.WaitReadyAsync(ns, "ign");
        var (_, _, entries) = await _f.DownloadAsync(ready.Status!.Artifact!.Url);
        Assert.Contains("deploy/app.yaml", entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("docs", StringComparison.Ordinal));
        Assert.Equal("docs/\n", ready.Status.ObservedIgnore);

        // Changing spec.ignore rebuilds the artifact of the same revision.
        await _f.PatchAsync(ns, "ign", """{"spec":{"ignore":"deploy/\n"}}""");
        var rebuilt = await _f.WaitAsync(ns, "ign", r => r.Status?.ObservedIgnore == "deploy/\n" && SourceControllerFixture.Ready(r)?.Status == "True", "rebuilt with the new ignore rules");
        Assert.Equal(ready.Status.Artifact.Revision, rebuilt.Status!.Artifact!.Revision);
        Assert.NotEqual(ready.Status.Artifact.Digest, rebuilt.Status.Artifact.Digest);
        var (_, digest, again) = await _f.DownloadAsync(rebuilt.Status.Artifact.Url);
        Assert.Equal(rebuilt.Status.Artifact.Digest, digest);
        Assert.Contains("docs/readme.md", again);
        Assert.DoesNotContain(again, e => e.StartsWith("deploy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TagSemVerCommitAndName()
    {
        var ns = await _f.NewNamespaceAsync();
        var git = await _f.NewGitAsync();
        var c1 = await git.CommitAndPushAsync("one", new Dictionary<string, string> { ["v.txt"] = "1.0.0" });
        await git.TagAsync("v1.0.0");
        var c2 = await git.CommitAndPushAsync("two", new Dictionary<string, string> { ["v.txt"] = "1.2.0" });
        await git.TagAsync("v1.2.0", "annotated release");
        var c3 = await git.CommitAndPushAsync("three", new Dictionary<string, string> { ["v.txt"] = "2.0.0" });
        await git.TagAsync("v2.0.0");
        await git.PushAsync();
        await git.PushRefAsync($"{c2}:refs/pull/7/head");

        await _f.CreateAsync(SourceControllerFixture.NewRepository(ns, "tag", git.FileUrl, new GitRepositoryRef { Tag = "v1.0.0" }));
        await _f.CreateAsync(SourceControllerFixture.NewRepository(ns, "semver", git.FileUrl, new GitRepositoryRef { SemVer = ">=1.0.0 <2.0.0" }));
        await _f.CreateAsync(SourceControllerFixture.NewRepository(ns, "commit", git.FileUrl, new GitRepositoryRef { Commit = c1 }));
        await _f.CreateAsync(SourceControllerFixture.NewRepository(ns, "branch-commit", git.FileUrl, new GitRepositoryRef { Branch = "main", Commit = c2 }));
        await _f.CreateAsync(SourceControllerFixture.NewRepository(ns, "name", git.FileUrl, new GitRepositoryRef { Name = "refs/pull/7/head" }));
        await _f.CreateAsync(SourceControllerFixture.NewRepository(ns, "head", git.FileUrl));

        await AssertArtifactAsync(ns, "tag", $"v1.0.0@sha1:{c1}", "1.0.0");
        await AssertArtifactAsync(ns, "semver", $"v1.2.0@sha1:{c2}", "1.2.0");
        await AssertArtifactAsync(ns, "commit", $"sha1:{c1}", "1.0.0");
        await AssertArtifactAsync(ns, "branch-commit", $"main@sha1:{c2}", "1.2.0");
        await AssertArtifactAsync(ns, "name", $"refs/pull/7/head@sha1:{c2}", "1.2.0");
        await AssertArtifactAsync(ns, "head", $"main@sha1:{c3}", "2.0.0");
    }

    private async Task AssertArtifactAsync(string ns, string name, string revision, string content)
    {
        var repo = await _f.WaitReadyAsync(ns, name, revision);
        Assert.Equal($"stored artifact for revision '{revision}'", SourceControllerFixture.Ready(repo)!.Message);
        var (bytes, digest, _) = await _f.DownloadAsync(repo.Status!.Artifact!.Url);
        Assert.Equal(repo.Status.Artifact.Digest, digest);
        Assert.Equal(content, await SourceControllerFixture.ReadEntryAsync(bytes, "v.txt"));
    }
}
