using System.Net;
using FluxSharp.Controllers.Tests.Infrastructure;
using FluxSharp.Testing;

namespace FluxSharp.Controllers.Tests;

/// <summary>GitRepository over file:// through time: intervals, requestedAt, suspend, failures after success, no-op reconciles, deletion, metrics.</summary>
public sealed class GitRepositoryLifecycleTests : IClassFixture<SourceControllerFixture>
{
    private readonly SourceControllerFixture _f;

    public GitRepositoryLifecycleTests(SourceControllerFixture f) => _f = f;

    [Fact]
    public async Task NewPushIsPickedUpOnTheNextInterval()
    {
        var ns = await _f.NewNamespaceAsync();
        var git = await _f.NewGitAsync();
        var c1 = await git.CommitAndPushAsync("one", new Dictionary<string, string> { ["a.txt"] = "1" });
        await _f.CreateAsync(SourceControllerFixture.NewRepository(ns, "fast", git.FileUrl, interval: "2s"));
        await _f.WaitReadyAsync(ns, "fast", $"main@sha1:{c1}");

        var c2 = await git.CommitAndPushAsync("two", new Dictionary<string, string> { ["a.txt"] = "2" });
        var repo = await _f.WaitReadyAsync(ns, "fast", $"main@sha1:{c2}", TimeSpan.FromSeconds(30));
        var (bytes, digest, _) = await _f.DownloadAsync(repo.Status!.Artifact!.Url);
        Assert.Equal(repo.Status.Artifact.Digest, digest);
        Assert.Equal("2", await SourceControllerFixture.ReadEntryAsync(bytes, "a.txt"));
        Assert.Null(repo.Status.LastHandledReconcileAt);

        // Two artifacts are kept at most; the old one goes away eventually, the current one stays.
        Assert.True(File.Exists(Path.Combine(_f.StoragePath, repo.Status.Artifact.Path)));
    }

    [Fact]
    public async Task RequestedAtReconcilesImmediately()
    {
        var ns = await _f.NewNamespaceAsync();
        var git = await _f.NewGitAsync();
        var c1 = await git.CommitAndPushAsync("one", new Dictionary<string, string> { ["a.txt"] = "1" });
        await _f.CreateAsync(SourceControllerFixture.NewRepository(ns, "slow", git.FileUrl, interval: "1h"));
        await _f.WaitReadyAsync(ns, "slow", $"main@sha1:{c1}");

        var c2 = await git.CommitAndPushAsync("two", new Dictionary<string, string> { ["a.txt"] = "2" });
        var at = await _f.RequestReconcileAsync(ns, "slow");
        var repo = await _f.WaitAsync(ns, "slow", r => r.Status?.LastHandledReconcileAt == at, "lastHandledReconcileAt");
        Assert.Equal($"main@sha1:{c2}", repo.Status!.Artifact!.Revision);
        Assert.Equal("True", SourceControllerFixture.Ready(repo)!.Status);
        Assert.Equal($"stored artifact for revision 'main@sha1:{c2}'", SourceControllerFixture.Ready(repo)!.Message);
    }

    [Fact]
    public async Task SuspendedRepositoryIgnoresPushesAndRequestsUntilResumed()
    {
        var ns = await _f.NewNamespaceAsync();
        var git = await _f.NewGitAsync();
        var c1 = await git.CommitAndPushAsync("one", new Dictionary<string, string> { ["a.txt"] = "1" });
        await _f.CreateAsync(SourceControllerFixture.NewRepository(ns, "sus", git.FileUrl));
        var before = (await _f.WaitReadyAsync(ns, "sus", $"main@sha1:{c1}")).Status!.Artifact!;

        await _f.PatchAsync(ns, "sus", """{"spec":{"suspend":true}}""");
        await _f.ReconcileOnceAsync(ns, "sus");
        await git.CommitAndPushAsync("two", new Dictionary<string, string> { ["a.txt"] = "2" });
        var at = await _f.ReconcileOnceAsync(ns, "sus");

        var suspended = await _f.GetRequiredAsync(ns, "sus");
        Assert.Equal(before, suspended.Status!.Artifact);
        Assert.NotEqual(at, suspended.Status.LastHandledReconcileAt);
        Assert.Contains($"gotk_suspend_status{{kind=\"GitRepository\",name=\"sus\",namespace=\"{ns}\"}} 1", await _f.MetricsAsync(), StringComparison.Ordinal);

        await _f.PatchAsync(ns, "sus", """{"spec":{"suspend":false}}""");
        var head = await git.HeadAsync();
        var resumed = await _f.WaitReadyAsync(ns, "sus", $"main@sha1:{head}");
        Assert.NotEqual(before.Digest, resumed.Status!.Artifact!.Digest);
    }

    [Fact]
    public async Task PreviousArtifactStaysServedWhenAFetchFails()
    {
        var ns = await _f.NewNamespaceAsync();
        var git = await _f.NewGitAsync();
        var c1 = await git.CommitAndPushAsync("one", new Dictionary<string, string> { ["a.txt"] = "1" });
        await _f.CreateAsync(SourceControllerFixture.NewRepository(ns, "keep", git.FileUrl));
        var good = (await _f.WaitReadyAsync(ns, "keep", $"main@sha1:{c1}")).Status!.Artifact!;

        await _f.PatchAsync(ns, "keep", """{"spec":{"ref":{"branch":"does-not-exist"}}}""");
        var failed = await _f.WaitNotReadyAsync(ns, "keep", "GitOperationFailed");
        var ready = SourceControllerFixture.Ready(failed)!;
        Assert.Contains("does-not-exist", ready.Message, StringComparison.Ordinal);
        Assert.Equal("True", SourceControllerFixture.Condition(failed, "FetchFailed")?.Status);
        Assert.Equal(good, failed.Status!.Artifact);

        var (_, digest, _) = await _f.DownloadAsync(good.Url);
        Assert.Equal(good.Digest, digest);
        await _f.WaitEventAsync(ns, "keep", "Warning", "GitOperationFailed");

        // Back to the branch: Ready again with the same artifact.
        await _f.PatchAsync(ns, "keep", """{"spec":{"ref":{"branch":"main"}}}""");
        var back = await _f.WaitAsync(ns, "keep", r => SourceControllerFixture.Ready(r)?.Status == "True" && r.Status?.ObservedGeneration == r.Metadata.Generation, "Ready again");
        Assert.Equal(good.Digest, back.Status!.Artifact!.Digest);
        Assert.Null(SourceControllerFixture.Condition(back, "FetchFailed"));
    }

    [Fact]
    public async Task NoChangeReconcileKeepsTheArtifactUntouched()
    {
        var ns = await _f.NewNamespaceAsync();
        var git = await _f.NewGitAsync();
        var c1 = await git.CommitAndPushAsync("one", new Dictionary<string, string> { ["a.txt"] = "1" });
        await _f.CreateAsync(SourceControllerFixture.NewRepository(ns, "same", git.FileUrl));
        var first = (await _f.WaitReadyAsync(ns, "same", $"main@sha1:{c1}")).Status!.Artifact!;
        var file = Path.Combine(_f.StoragePath, first.Path);
        var written = File.GetLastWriteTimeUtc(file);
        var eventsBefore = (await _f.EventsAsync(ns, "same")).Count(e => e.Reason == "NewArtifact");

        var at = await _f.RequestReconcileAsync(ns, "same");
        var after = await _f.WaitAsync(ns, "same", r => r.Status?.LastHandledReconcileAt == at, "lastHandledReconcileAt");
        Assert.Equal(first, after.Status!.Artifact);
        Assert.Equal(written, File.GetLastWriteTimeUtc(file));
        Assert.Single(Directory.GetFiles(_f.ArtifactDirectory(ns, "same")));
        Assert.Equal(eventsBefore, (await _f.EventsAsync(ns, "same")).Count(e => e.Reason == "NewArtifact"));
    }

    [Fact]
    public async Task DeletingRemovesTheArtifactsAndTheObject()
    {
        var ns = await _f.NewNamespaceAsync();
        var git = await _f.NewGitAsync();
        await git.CommitAndPushAsync("one", new Dictionary<string, string> { ["a.txt"] = "1" });
        await _f.CreateAsync(SourceControllerFixture.NewRepository(ns, "gone", git.FileUrl));
        var artifact = (await _f.WaitReadyAsync(ns, "gone")).Status!.Artifact!;
        Assert.True(File.Exists(Path.Combine(_f.StoragePath, artifact.Path)));

        await _f.DeleteAsync(ns, "gone");
        await Eventually.WaitAsync(() => _f.GetAsync(ns, "gone"), r => r is null, TimeSpan.FromSeconds(30), "the object to go away");
        Assert.False(File.Exists(Path.Combine(_f.StoragePath, artifact.Path)));
        Assert.False(Directory.Exists(_f.ArtifactDirectory(ns, "gone")));
        var response = await _f.Http.GetAsync(new Uri(artifact.Url));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task MetricsAndHealthEndpoints()
    {
        var ns = await _f.NewNamespaceAsync();
        var git = await _f.NewGitAsync();
        await git.CommitAndPushAsync("one", new Dictionary<string, string> { ["a.txt"] = "1" });
        await _f.CreateAsync(SourceControllerFixture.NewRepository(ns, "metered", git.FileUrl));
        await _f.WaitReadyAsync(ns, "metered");

        // The duration is observed when the reconcile returns, just after the status that made it Ready was written.
        var metrics = await Eventually.WaitAsync(_f.MetricsAsync, m => m.Contains($"gotk_reconcile_duration_seconds_count{{kind=\"GitRepository\",name=\"metered\",namespace=\"{ns}\"}}", StringComparison.Ordinal), what: "metrics of the object");
        Assert.Contains($"gotk_reconcile_duration_seconds_count{{kind=\"GitRepository\",name=\"metered\",namespace=\"{ns}\"}}", metrics, StringComparison.Ordinal);
        Assert.Contains($"gotk_reconcile_duration_seconds_bucket{{kind=\"GitRepository\",name=\"metered\",namespace=\"{ns}\",le=", metrics, StringComparison.Ordinal);
        Assert.Contains($"gotk_reconcile_condition{{kind=\"GitRepository\",name=\"metered\",namespace=\"{ns}\",type=\"Ready\",status=\"True\"}} 1", metrics, StringComparison.Ordinal);
        Assert.True(await _f.ReconcileCountAsync(ns, "metered") >= 1);

        Assert.Equal(HttpStatusCode.OK, (await _f.Http.GetAsync(new Uri(_f.Manager.MetricsUrl, "/readyz"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _f.Http.GetAsync(new Uri(_f.Manager.MetricsUrl, "/healthz"))).StatusCode);
    }
}
