using FluxSharp.Sources.Git;
using FluxSharp.Testing.Git;

namespace FluxSharp.Sources.Tests;

public sealed class GitFileTests : IDisposable
{
    private readonly TempDirectory _tmp = new("fluxsharp-gitfile");
    private readonly GitClient _git = new();

    public void Dispose() => _tmp.Dispose();

    private async Task<GitRepositoryBuilder> RepoAsync(string name = "repo", string branch = "master")
    {
        var repo = await GitRepositoryBuilder.CreateAsync(_tmp.Sub("srv"), name, branch);
        repo.WriteFile("README.md", "hello\n").WriteFile("deploy/app.yaml", "kind: ConfigMap\n").WriteFile("other/x.txt", "x\n");
        await repo.CommitAndPushAsync("initial");
        return repo;
    }

    private string Target() => _tmp.Sub("co-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task DefaultReferenceIsMasterBranch()
    {
        var repo = await RepoAsync();
        var sha = await repo.HeadAsync();
        var req = new GitCheckoutRequest(repo.FileUrl);
        var dir = Target();
        var result = await _git.CheckoutAsync(req, dir);
        Assert.Equal($"master@sha1:{sha}", result.Revision);
        Assert.Equal(sha, result.CommitSha);
        Assert.Equal("initial", result.Message);
        Assert.Contains("test@fluxsharp.local", result.Author);
        Assert.True(File.Exists(Path.Combine(dir, "deploy/app.yaml")));
        Assert.Equal(result.Revision, await _git.ResolveRemoteRevisionAsync(req));
        // shallow
        var count = await GitRepositoryBuilder.RunAsync(dir, default, "rev-list", "--count", "HEAD");
        Assert.Equal("1", count.Trim());
    }

    [Fact]
    public async Task BranchTagSemverNameAndCommit()
    {
        var repo = await RepoAsync(branch: "main");
        var first = await repo.HeadAsync();
        await repo.TagAsync("v1.0.0", "release 1.0.0"); // annotated
        repo.WriteFile("v.txt", "1.1");
        var second = await repo.CommitAsync("second");
        await repo.TagAsync("v1.1.0");
        repo.WriteFile("v.txt", "2.0");
        var third = await repo.CommitAsync("third");
        await repo.TagAsync("2.0.0-rc.1");
        await repo.SwitchBranchAsync("feature");
        repo.WriteFile("feature.txt", "f");
        var feature = await repo.CommitAsync("feature work");
        await repo.PushAsync();
        await repo.PushRefAsync("feature:refs/pull/7/head");

        async Task Check(GitReference r, string expected)
        {
            var req = new GitCheckoutRequest(repo.FileUrl) { Reference = r };
            Assert.Equal(expected, await _git.ResolveRemoteRevisionAsync(req));
            var result = await _git.CheckoutAsync(req, Target());
            Assert.Equal(expected, result.Revision);
        }

        await Check(new GitReference(Branch: "main"), $"main@sha1:{third}");
        await Check(new GitReference(Branch: "feature"), $"feature@sha1:{feature}");
        await Check(new GitReference(Tag: "v1.0.0"), $"v1.0.0@sha1:{first}");
        await Check(new GitReference(Tag: "v1.1.0"), $"v1.1.0@sha1:{second}");
        await Check(new GitReference(SemVer: ">=1.0.0 <2.0.0"), $"v1.1.0@sha1:{second}");
        await Check(new GitReference(SemVer: "~1.0"), $"v1.0.0@sha1:{first}");
        await Check(new GitReference(SemVer: ">=1.0.0-0"), $"2.0.0-rc.1@sha1:{third}");
        await Check(new GitReference(Name: "refs/heads/feature"), $"refs/heads/feature@sha1:{feature}");
        await Check(new GitReference(Name: "refs/pull/7/head"), $"refs/pull/7/head@sha1:{feature}");
        await Check(new GitReference(Name: "refs/tags/v1.0.0"), $"refs/tags/v1.0.0@sha1:{first}");
        await Check(new GitReference(Commit: second), $"sha1:{second}");
        await Check(new GitReference(Branch: "main", Commit: first), $"main@sha1:{first}");
        // precedence: commit > name > semver > tag > branch
        await Check(new GitReference(Branch: "main", Tag: "v1.0.0", SemVer: "*", Name: "refs/heads/feature", Commit: second), $"main@sha1:{second}");
        await Check(new GitReference(Branch: "main", Tag: "v1.0.0", SemVer: "1.1.x", Name: "refs/heads/feature"), $"refs/heads/feature@sha1:{feature}");
        await Check(new GitReference(Branch: "main", Tag: "v1.0.0", SemVer: "1.1.x"), $"v1.1.0@sha1:{second}");
        await Check(new GitReference(Branch: "feature", Tag: "v1.0.0"), $"v1.0.0@sha1:{first}");
    }

    [Fact]
    public async Task NewPushChangesResolvedRevision()
    {
        var repo = await RepoAsync();
        var req = new GitCheckoutRequest(repo.FileUrl);
        var checkout = await _git.CheckoutAsync(req, Target());
        // Unchanged remote: ls-remote gives the recorded revision, so the reconciler can skip the clone.
        Assert.Equal(checkout.Revision, await _git.ResolveRemoteRevisionAsync(req));
        var next = await repo.CommitAndPushAsync("next", new Dictionary<string, string> { ["deploy/app.yaml"] = "kind: Secret\n" });
        var resolved = await _git.ResolveRemoteRevisionAsync(req);
        Assert.Equal($"master@sha1:{next}", resolved);
        Assert.NotEqual(checkout.Revision, resolved);
        var again = await _git.CheckoutAsync(req, Target());
        Assert.Equal(resolved, again.Revision);
    }

    [Fact]
    public async Task UnknownReferencesAreNotFound()
    {
        var repo = await RepoAsync();
        foreach (var r in new[] { new GitReference(Branch: "nope"), new GitReference(Tag: "v9"), new GitReference(Name: "refs/heads/nope") })
        {
            var req = new GitCheckoutRequest(repo.FileUrl) { Reference = r };
            var e1 = await Assert.ThrowsAsync<GitOperationException>(() => _git.ResolveRemoteRevisionAsync(req));
            Assert.Equal(GitErrorKind.NotFound, e1.Kind);
            var e2 = await Assert.ThrowsAsync<GitOperationException>(() => _git.CheckoutAsync(req, Target()));
            Assert.Equal(GitErrorKind.NotFound, e2.Kind);
            Assert.Contains("not found", e2.Message, StringComparison.Ordinal);
        }
        var missingCommit = new GitCheckoutRequest(repo.FileUrl) { Reference = new GitReference(Commit: new string('a', 40)) };
        var e3 = await Assert.ThrowsAsync<GitOperationException>(() => _git.CheckoutAsync(missingCommit, Target()));
        Assert.Equal(GitErrorKind.NotFound, e3.Kind);
        Assert.Contains("spec.ref.commit", e3.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SemverErrors()
    {
        var repo = await RepoAsync();
        await repo.TagAsync("v1.0.0");
        await repo.PushAsync();
        var invalid = new GitCheckoutRequest(repo.FileUrl) { Reference = new GitReference(SemVer: "not a range!") };
        var e1 = await Assert.ThrowsAsync<GitOperationException>(() => _git.ResolveRemoteRevisionAsync(invalid));
        Assert.Equal(GitErrorKind.InvalidSemVer, e1.Kind);
        Assert.Contains("spec.ref.semver", e1.Message, StringComparison.Ordinal);
        var e2 = await Assert.ThrowsAsync<GitOperationException>(() => _git.CheckoutAsync(invalid, Target()));
        Assert.Equal(GitErrorKind.InvalidSemVer, e2.Kind);
        var none = new GitCheckoutRequest(repo.FileUrl) { Reference = new GitReference(SemVer: ">=2.0.0") };
        var e3 = await Assert.ThrowsAsync<GitOperationException>(() => _git.CheckoutAsync(none, Target()));
        Assert.Equal(GitErrorKind.NoMatchingTag, e3.Kind);
    }

    [Fact]
    public async Task NotARepositoryAndInvalidInput()
    {
        var plain = _tmp.Sub("plain");
        Directory.CreateDirectory(plain);
        File.WriteAllText(Path.Combine(plain, "x"), "x");
        var req = new GitCheckoutRequest(new Uri(plain).AbsoluteUri);
        var e1 = await Assert.ThrowsAsync<GitOperationException>(() => _git.ResolveRemoteRevisionAsync(req));
        Assert.Equal(GitErrorKind.NotAGitRepository, e1.Kind);
        var e2 = await Assert.ThrowsAsync<GitOperationException>(() => _git.CheckoutAsync(req, Target()));
        Assert.Equal(GitErrorKind.NotAGitRepository, e2.Kind);

        var badCommit = new GitCheckoutRequest(new Uri(plain).AbsoluteUri) { Reference = new GitReference(Commit: "abc123") };
        var e3 = await Assert.ThrowsAsync<GitOperationException>(() => _git.CheckoutAsync(badCommit, Target()));
        Assert.Equal(GitErrorKind.InvalidInput, e3.Kind);
        var e4 = await Assert.ThrowsAsync<GitOperationException>(() => _git.ResolveRemoteRevisionAsync(new GitCheckoutRequest("ftp://example.com/x")));
        Assert.Equal(GitErrorKind.InvalidInput, e4.Kind);
    }

    [Fact]
    public async Task SparseCheckoutOnlyFetchesDirectories()
    {
        var repo = await RepoAsync();
        var dir = Target();
        var result = await _git.CheckoutAsync(new GitCheckoutRequest(repo.FileUrl) { SparseCheckout = ["deploy"] }, dir);
        Assert.True(File.Exists(Path.Combine(dir, "deploy/app.yaml")));
        Assert.False(Directory.Exists(Path.Combine(dir, "other")));
        Assert.True(File.Exists(Path.Combine(dir, "README.md"))); // cone mode keeps root files
        Assert.StartsWith("master@sha1:", result.Revision, StringComparison.Ordinal);
        await Assert.ThrowsAsync<GitOperationException>(() => _git.CheckoutAsync(new GitCheckoutRequest(repo.FileUrl) { SparseCheckout = ["../x"] }, Target()));
    }

    [Fact]
    public async Task RecurseSubmodules()
    {
        var lib = await GitRepositoryBuilder.CreateAsync(_tmp.Sub("srv"), "lib");
        lib.WriteFile("lib.yaml", "lib: true\n");
        await lib.CommitAndPushAsync("lib");
        var repo = await RepoAsync("app");
        await repo.GitAsync(default, "submodule", "add", "-q", lib.FileUrl, "vendor/lib");
        await repo.CommitAndPushAsync("add submodule");

        var without = Target();
        await _git.CheckoutAsync(new GitCheckoutRequest(repo.FileUrl), without);
        Assert.False(File.Exists(Path.Combine(without, "vendor/lib/lib.yaml")));
        var with = Target();
        await _git.CheckoutAsync(new GitCheckoutRequest(repo.FileUrl) { RecurseSubmodules = true }, with);
        Assert.True(File.Exists(Path.Combine(with, "vendor/lib/lib.yaml")));
    }

    [Fact]
    public async Task SizeLimitRefusesLargeCheckouts()
    {
        var repo = await RepoAsync();
        repo.WriteBytes("big.bin", System.Security.Cryptography.RandomNumberGenerator.GetBytes(300_000));
        await repo.CommitAndPushAsync("big");
        var small = new GitClient(new GitClientOptions { MaxCheckoutBytes = 100_000 });
        var e = await Assert.ThrowsAsync<GitOperationException>(() => small.CheckoutAsync(new GitCheckoutRequest(repo.FileUrl), Target()));
        Assert.Equal(GitErrorKind.SizeLimitExceeded, e.Kind);
        Assert.Contains("limit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancellationStopsTheOperation()
    {
        var repo = await RepoAsync();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _git.CheckoutAsync(new GitCheckoutRequest(repo.FileUrl), Target(), cts.Token));
    }
}
