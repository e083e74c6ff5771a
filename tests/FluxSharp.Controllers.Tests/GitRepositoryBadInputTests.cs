using System.Net;
using FluxSharp.Api.Source.V1;
using FluxSharp.Controllers.Tests.Infrastructure;
using FluxSharp.Testing.Git;

namespace FluxSharp.Controllers.Tests;

/// <summary>Bad GitRepositories get clear conditions and Warning events, and don't stop the others or the manager.</summary>
public sealed class GitRepositoryBadInputTests : IClassFixture<SourceControllerFixture>
{
    private readonly SourceControllerFixture _f;

    public GitRepositoryBadInputTests(SourceControllerFixture f) => _f = f;

    [Fact]
    public async Task BadSpecsReportClearConditionsWhileOthersKeepReconciling()
    {
        var ns = await _f.NewNamespaceAsync();
        var git = await _f.NewGitAsync();
        var c1 = await git.CommitAndPushAsync("one", new Dictionary<string, string> { ["a.txt"] = "1" });
        var notARepo = Path.Combine(_f.Directory, "plain-dir-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(notARepo);
        File.WriteAllText(Path.Combine(notARepo, "hello.txt"), "not git");
        var closedPort = SshGitServer.FreePort();

        await _f.CreateAsync(SourceControllerFixture.NewRepository(ns, "unknown-branch", git.FileUrl, new GitRepositoryRef { Branch = "nope" }));
        await _f.CreateAsync(SourceControllerFixture.NewRepository(ns, "bad-semver", git.FileUrl, new GitRepositoryRef { SemVer = "not a range!" }));
        await _f.CreateAsync(SourceControllerFixture.NewRepository(ns, "no-secret", git.FileUrl, secret: "missing"));
        await _f.CreateAsync(SourceControllerFixture.NewRepository(ns, "not-a-repo", new Uri(notARepo).AbsoluteUri));
        await _f.CreateAsync(SourceControllerFixture.NewRepository(ns, "unreachable", $"http://127.0.0.1:{closedPort}/repo.git"));
        var verify = SourceControllerFixture.NewRepository(ns, "verify", git.FileUrl);
        verify.Spec = verify.Spec with { Verification = new GitRepositoryVerification { Mode = "HEAD", SecretRef = new Api.LocalObjectReference { Name = "pgp" } } };
        await _f.CreateAsync(verify);
        await _f.CreateAsync(SourceControllerFixture.NewRepository(ns, "good", git.FileUrl));

        await ExpectAsync(ns, "unknown-branch", "GitOperationFailed", "branch 'nope'");
        await ExpectAsync(ns, "bad-semver", "GitOperationFailed", "not a range!");
        await ExpectAsync(ns, "no-secret", "AuthenticationFailed", "secrets \"missing\" not found");
        await ExpectAsync(ns, "not-a-repo", "GitOperationFailed", "git repository");
        await ExpectAsync(ns, "unreachable", "GitOperationFailed", $"127.0.0.1:{closedPort}");
        var stalled = await ExpectAsync(ns, "verify", "UnsupportedField", "spec.verify");
        Assert.Equal("True", SourceControllerFixture.Condition(stalled, "Stalled")?.Status);
        Assert.Equal("UnsupportedField", SourceControllerFixture.Condition(stalled, "Stalled")?.Reason);
        Assert.Equal("True", SourceControllerFixture.Condition(await _f.GetRequiredAsync(ns, "bad-semver"), "Stalled")?.Status);

        // The good one in the same namespace is Ready, and keeps following pushes.
        await _f.WaitReadyAsync(ns, "good", $"main@sha1:{c1}");
        var c2 = await git.CommitAndPushAsync("two", new Dictionary<string, string> { ["a.txt"] = "2" });
        await _f.RequestReconcileAsync(ns, "good");
        await _f.WaitReadyAsync(ns, "good", $"main@sha1:{c2}");

        // The manager is still up.
        Assert.False(_f.Manager.Completion.IsCompleted);
        Assert.Equal(HttpStatusCode.OK, (await _f.Http.GetAsync(new Uri(_f.Manager.MetricsUrl, "/readyz"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _f.Http.GetAsync(new Uri(_f.Manager.MetricsUrl, "/healthz"))).StatusCode);

        // A failing (retrying) and a stalled object can be deleted: the finalizer is released.
        await _f.DeleteAsync(ns, "unreachable");
        await _f.DeleteAsync(ns, "verify");
        await Testing.Eventually.WaitAsync(async () => (await _f.GetAsync(ns, "unreachable"), await _f.GetAsync(ns, "verify")), r => r.Item1 is null && r.Item2 is null, TimeSpan.FromSeconds(30), "failed objects to go away");
    }

    [Fact]
    public async Task MissingSecretIsRetriedUntilItAppears()
    {
        var ns = await _f.NewNamespaceAsync();
        var git = await _f.NewGitAsync();
        var c1 = await git.CommitAndPushAsync("one", new Dictionary<string, string> { ["a.txt"] = "1" });
        await _f.CreateAsync(SourceControllerFixture.NewRepository(ns, "later", git.FileUrl, secret: "late-secret"));
        var failed = await _f.WaitNotReadyAsync(ns, "later", "AuthenticationFailed");
        Assert.NotEqual("True", SourceControllerFixture.Condition(failed, "Stalled")?.Status);

        // file:// ignores credentials; an (empty) Secret is all it takes. No spec change, no requestedAt.
        await _f.CreateSecretAsync(ns, "late-secret", new Dictionary<string, byte[]>());
        await _f.WaitReadyAsync(ns, "later", $"main@sha1:{c1}", TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task FixingTheSpecRecoversAStalledRepository()
    {
        var ns = await _f.NewNamespaceAsync();
        var git = await _f.NewGitAsync();
        var c1 = await git.CommitAndPushAsync("one", new Dictionary<string, string> { ["a.txt"] = "1" });
        await git.TagAsync("v1.0.0");
        await git.PushAsync();
        await _f.CreateAsync(SourceControllerFixture.NewRepository(ns, "fixme", git.FileUrl, new GitRepositoryRef { SemVer = "~~1" }));
        await _f.WaitNotReadyAsync(ns, "fixme", "GitOperationFailed");

        await _f.PatchAsync(ns, "fixme", """{"spec":{"ref":{"semver":"1.x"}}}""");
        var ready = await _f.WaitReadyAsync(ns, "fixme", $"v1.0.0@sha1:{c1}");
        Assert.Null(SourceControllerFixture.Condition(ready, "Stalled"));
        Assert.Null(SourceControllerFixture.Condition(ready, "FetchFailed"));
    }

    private async Task<GitRepository> ExpectAsync(string ns, string name, string reason, string messagePart)
    {
        var repo = await _f.WaitNotReadyAsync(ns, name, reason);
        var ready = SourceControllerFixture.Ready(repo)!;
        Assert.Contains(messagePart, ready.Message, StringComparison.Ordinal);
        Assert.Null(repo.Status!.Artifact);
        var warning = await _f.WaitEventAsync(ns, name, "Warning", reason);
        Assert.Contains(messagePart, warning.Message, StringComparison.Ordinal);
        return repo;
    }
}
