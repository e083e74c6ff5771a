using FluxSharp.Controllers.Tests.Infrastructure;
using FluxSharp.Testing.Git;

namespace FluxSharp.Controllers.Tests;

/// <summary>A manager started without --allow-file-urls.</summary>
public sealed class FileUrlsRefusedFixture : SourceControllerFixture
{
    protected override bool AllowFileUrls => false;
}

/// <summary>file:// URLs read the manager's own disk: refused unless the manager is started with --allow-file-urls.</summary>
public sealed class GitRepositoryFileUrlRefusedTests(FileUrlsRefusedFixture f) : IClassFixture<FileUrlsRefusedFixture>
{
    [Fact]
    public async Task A_file_url_stalls_naming_the_object_the_field_and_the_flag_while_http_sources_still_work()
    {
        var ns = await f.NewNamespaceAsync();
        var git = await f.NewGitAsync();
        var commit = await git.CommitAndPushAsync("one", new Dictionary<string, string> { ["a.txt"] = "1" });
        await using var http = await GitHttpServer.StartAsync(new GitHttpServerOptions(git.ProjectRoot));

        await f.CreateAsync(SourceControllerFixture.NewRepository(ns, "local", git.FileUrl));
        await f.CreateAsync(SourceControllerFixture.NewRepository(ns, "served", http.UrlFor(git.Name)));

        var refused = await f.WaitNotReadyAsync(ns, "local", "URLInvalid");
        var ready = SourceControllerFixture.Ready(refused)!;
        Assert.Equal($"GitRepository {ns}/local: spec.url: file:// URLs are not allowed by this manager (they read its local disk); start the manager with --allow-file-urls (FLUXSHARP_ALLOW_FILE_URLS=true) to allow them", ready.Message);
        Assert.Equal("True", SourceControllerFixture.Condition(refused, "Stalled")?.Status);
        Assert.Equal("URLInvalid", SourceControllerFixture.Condition(refused, "FetchFailed")?.Reason);
        Assert.Null(refused.Status!.Artifact);
        Assert.False(Directory.Exists(f.ArtifactDirectory(ns, "local")));

        await f.WaitReadyAsync(ns, "served", $"main@sha1:{commit}");
    }
}

/// <summary>The tests' usual manager runs with --allow-file-urls, as `fluxsharp dev` does.</summary>
public sealed class GitRepositoryFileUrlAllowedTests(SourceControllerFixture f) : IClassFixture<SourceControllerFixture>
{
    [Fact]
    public async Task A_file_url_is_fetched_when_the_manager_allows_file_urls()
    {
        var ns = await f.NewNamespaceAsync();
        var git = await f.NewGitAsync();
        var commit = await git.CommitAndPushAsync("one", new Dictionary<string, string> { ["a.txt"] = "1" });

        await f.CreateAsync(SourceControllerFixture.NewRepository(ns, "local", git.FileUrl));

        var ready = await f.WaitReadyAsync(ns, "local", $"main@sha1:{commit}");
        Assert.Null(SourceControllerFixture.Condition(ready, "Stalled"));
    }
}
