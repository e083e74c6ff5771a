using System.Text;
using System.Text.Json;
using FluxSharp.Controllers.Tests.Infrastructure;
using FluxSharp.Testing;
using FluxSharp.Testing.Git;
using k8s;

namespace FluxSharp.Controllers.Tests;

/// <summary>GitRepository over smart HTTP(S): anonymous, basic auth, bearer token, a private CA; wrong credentials; no clone when nothing changed.</summary>
public sealed class GitRepositoryHttpTests : IClassFixture<SourceControllerFixture>, IClassFixture<GitHttpServerFixture>
{
    private readonly SourceControllerFixture _f;
    private readonly GitHttpServerFixture _srv;

    public GitRepositoryHttpTests(SourceControllerFixture f, GitHttpServerFixture srv)
    {
        _f = f;
        _srv = srv;
    }

    private async Task<(GitRepositoryBuilder Git, string Sha)> RepoAsync()
    {
        var git = await _srv.CreateRepositoryAsync("r-" + Guid.NewGuid().ToString("N")[..8], "main");
        var sha = await git.CommitAndPushAsync("initial", new Dictionary<string, string> { ["deploy/cm.yaml"] = "kind: ConfigMap\n" });
        return (git, sha);
    }

    [Fact]
    public async Task BasicBearerAndHttpsWithCa()
    {
        var ns = await _f.NewNamespaceAsync();
        var (git, sha) = await RepoAsync();
        await _f.CreateSecretAsync(ns, "basic", _srv.BasicSecret);
        await _f.CreateSecretAsync(ns, "bearer", _srv.BearerSecret);
        await _f.CreateSecretAsync(ns, "ca", _srv.CaSecret);
        await _f.CreateAsync(SourceControllerFixture.NewRepository(ns, "basic", _srv.Basic.UrlFor(git.Name), secret: "basic"));
        await _f.CreateAsync(SourceControllerFixture.NewRepository(ns, "bearer", _srv.Bearer.UrlFor(git.Name), secret: "bearer"));
        await _f.CreateAsync(SourceControllerFixture.NewRepository(ns, "https", _srv.Https.UrlFor(git.Name), secret: "ca"));
        Assert.StartsWith("https://", _srv.Https.UrlFor(git.Name), StringComparison.Ordinal);

        foreach (var name in new[] { "basic", "bearer", "https" })
        {
            var repo = await _f.WaitReadyAsync(ns, name, $"main@sha1:{sha}");
            var (bytes, digest, _) = await _f.DownloadAsync(repo.Status!.Artifact!.Url);
            Assert.Equal(repo.Status.Artifact.Digest, digest);
            Assert.Equal("kind: ConfigMap\n", await SourceControllerFixture.ReadEntryAsync(bytes, "deploy/cm.yaml"));
        }

        // The same content gives the same artifact whatever the transport.
        var digests = new HashSet<string>();
        foreach (var name in new[] { "basic", "bearer", "https" })
        {
            digests.Add((await _f.GetRequiredAsync(ns, name)).Status!.Artifact!.Digest);
        }

        Assert.Single(digests);
    }

    [Fact]
    public async Task HttpsWithoutTheCaFailsTlsVerification()
    {
        var ns = await _f.NewNamespaceAsync();
        var (git, _) = await RepoAsync();
        await _f.CreateAsync(SourceControllerFixture.NewRepository(ns, "untrusted", _srv.Https.UrlFor(git.Name)));
        var failed = await _f.WaitNotReadyAsync(ns, "untrusted", "AuthenticationFailed");
        Assert.Contains("ca.crt", SourceControllerFixture.Ready(failed)!.Message, StringComparison.Ordinal);
        Assert.Null(failed.Status!.Artifact);
    }

    [Fact]
    public async Task WrongPasswordIsAuthenticationFailedAndNeverLeaks()
    {
        var ns = await _f.NewNamespaceAsync();
        var (git, _) = await RepoAsync();
        const string WrongPassword = "not-the-password-9f3a1c";
        await _f.CreateSecretAsync(ns, "wrong", new Dictionary<string, byte[]>
        {
            ["username"] = Encoding.UTF8.GetBytes(_srv.Username),
            ["password"] = Encoding.UTF8.GetBytes(WrongPassword),
        });
        await _f.CreateAsync(SourceControllerFixture.NewRepository(ns, "denied", _srv.Basic.UrlFor(git.Name), secret: "wrong"));

        var failed = await _f.WaitNotReadyAsync(ns, "denied", "AuthenticationFailed");
        Assert.Null(failed.Status!.Artifact);
        var warning = await _f.WaitEventAsync(ns, "denied", "Warning", "AuthenticationFailed");
        Assert.False(string.IsNullOrWhiteSpace(warning.Message));

        var everything = JsonSerializer.Serialize(failed.Status) + k8s.KubernetesJson.Serialize(await _f.EventsAsync(ns, "denied"));
        Assert.DoesNotContain(WrongPassword, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(_srv.Password, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_srv.Username}:{WrongPassword}")), everything, StringComparison.Ordinal);

        // Fixing the secret is picked up by the retries (no spec change needed).
        await _f.Client.CoreV1.DeleteNamespacedSecretAsync("wrong", ns);
        await _f.CreateSecretAsync(ns, "wrong", _srv.BasicSecret);
        await _f.RequestReconcileAsync(ns, "denied");
        await _f.WaitReadyAsync(ns, "denied");
    }

    [Fact]
    public async Task NoChangeReconcileDoesNotClone()
    {
        var ns = await _f.NewNamespaceAsync();
        var (git, sha) = await RepoAsync();
        await _f.CreateAsync(SourceControllerFixture.NewRepository(ns, "anon", _srv.Anonymous.UrlFor(git.Name)));
        var first = (await _f.WaitReadyAsync(ns, "anon", $"main@sha1:{sha}")).Status!.Artifact!;
        var file = Path.Combine(_f.StoragePath, first.Path);
        var written = File.GetLastWriteTimeUtc(file);

        // Only this test talks to the anonymous server.
        var packsBefore = _srv.Anonymous.UploadPackCount;
        var at = await _f.RequestReconcileAsync(ns, "anon");
        var after = await _f.WaitAsync(ns, "anon", r => r.Status?.LastHandledReconcileAt == at, "lastHandledReconcileAt");
        Assert.Equal(first, after.Status!.Artifact);
        Assert.Equal(written, File.GetLastWriteTimeUtc(file));
        // One ls-remote (a single ls-refs upload-pack POST with protocol v2), no fetch.
        Assert.InRange(_srv.Anonymous.UploadPackCount - packsBefore, 0, 1);

        // A new commit is fetched on the next request.
        var next = await git.CommitAndPushAsync("next", new Dictionary<string, string> { ["deploy/cm.yaml"] = "kind: Secret\n" });
        await _f.RequestReconcileAsync(ns, "anon");
        await _f.WaitReadyAsync(ns, "anon", $"main@sha1:{next}");
        Assert.True(_srv.Anonymous.UploadPackCount - packsBefore >= 3);
    }
}
