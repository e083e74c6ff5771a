using FluxSharp.Sources.Git;
using FluxSharp.Testing.Git;

namespace FluxSharp.Sources.Tests;

public sealed class GitHttpTests : IClassFixture<GitHttpServerFixture>, IDisposable
{
    private readonly GitHttpServerFixture _srv;
    private readonly TempDirectory _tmp = new("fluxsharp-githttp-co");
    private readonly GitClient _git = new(new GitClientOptions { Timeout = TimeSpan.FromSeconds(30) });

    public GitHttpTests(GitHttpServerFixture srv) => _srv = srv;

    public void Dispose() => _tmp.Dispose();

    private string Target() => _tmp.Sub(Guid.NewGuid().ToString("N")[..8]);

    private async Task<(GitRepositoryBuilder Repo, string Sha)> RepoAsync()
    {
        var repo = await _srv.CreateRepositoryAsync("r-" + Guid.NewGuid().ToString("N")[..8], "main");
        var sha = await repo.CommitAndPushAsync("initial", new Dictionary<string, string> { ["app/cm.yaml"] = "kind: ConfigMap\n" });
        await repo.TagAsync("v0.1.0");
        await repo.PushAsync();
        return (repo, sha);
    }

    [Fact]
    public async Task AnonymousCheckoutAndResolveWithoutClone()
    {
        var (repo, sha) = await RepoAsync();
        var req = new GitCheckoutRequest(_srv.Anonymous.UrlFor(repo.Name)) { Reference = new GitReference(Branch: "main") };
        var dir = Target();
        var result = await _git.CheckoutAsync(req, dir);
        Assert.Equal($"main@sha1:{sha}", result.Revision);
        Assert.True(File.Exists(Path.Combine(dir, "app/cm.yaml")));

        int before = _srv.Anonymous.UploadPackCount;
        Assert.Equal(result.Revision, await _git.ResolveRemoteRevisionAsync(req));
        // ls-remote only: one upload-pack round trip (ls-refs), no pack transfer.
        Assert.True(_srv.Anonymous.UploadPackCount - before <= 1);

        var next = await repo.CommitAndPushAsync("next", new Dictionary<string, string> { ["app/cm.yaml"] = "kind: Secret\n" });
        Assert.Equal($"main@sha1:{next}", await _git.ResolveRemoteRevisionAsync(req));

        var tag = await _git.CheckoutAsync(req with { Reference = new GitReference(SemVer: "0.1.x") }, Target());
        Assert.Equal($"v0.1.0@sha1:{sha}", tag.Revision);
        var commit = await _git.CheckoutAsync(req with { Reference = new GitReference(Commit: sha) }, Target());
        Assert.Equal($"sha1:{sha}", commit.Revision);
    }

    [Fact]
    public async Task BasicAuth()
    {
        var (repo, sha) = await RepoAsync();
        var url = _srv.Basic.UrlFor(repo.Name);
        var ok = new GitCheckoutRequest(url) { Reference = new GitReference(Branch: "main"), Auth = GitAuth.FromSecret(_srv.BasicSecret, url) };
        Assert.Equal($"main@sha1:{sha}", (await _git.CheckoutAsync(ok, Target())).Revision);
        Assert.Equal($"main@sha1:{sha}", await _git.ResolveRemoteRevisionAsync(ok));

        var wrongData = new Dictionary<string, byte[]>
        {
            ["username"] = "flux"u8.ToArray(),
            ["password"] = "definitely-wrong-password"u8.ToArray(),
        };
        var wrong = ok with { Auth = GitAuth.FromSecret(wrongData, url) };
        var e1 = await Assert.ThrowsAsync<GitOperationException>(() => _git.CheckoutAsync(wrong, Target()));
        Assert.Equal(GitErrorKind.AuthenticationFailed, e1.Kind);
        Assert.DoesNotContain("definitely-wrong-password", e1.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_srv.Password, e1.Message, StringComparison.Ordinal);
        var e2 = await Assert.ThrowsAsync<GitOperationException>(() => _git.ResolveRemoteRevisionAsync(wrong));
        Assert.Equal(GitErrorKind.AuthenticationFailed, e2.Kind);
        Assert.DoesNotContain("definitely-wrong-password", e2.Message, StringComparison.Ordinal);

        var none = ok with { Auth = null };
        var e3 = await Assert.ThrowsAsync<GitOperationException>(() => _git.ResolveRemoteRevisionAsync(none));
        Assert.Equal(GitErrorKind.AuthenticationFailed, e3.Kind);
        Assert.Contains("spec.secretRef", e3.Message, StringComparison.Ordinal);

        // Credentials in the URL become basic auth and never show up in messages.
        var inUrl = new GitCheckoutRequest(url.Replace("http://", $"http://flux:{_srv.Password}@", StringComparison.Ordinal))
        { Reference = new GitReference(Branch: "main") };
        Assert.Equal($"main@sha1:{sha}", await _git.ResolveRemoteRevisionAsync(inUrl));
        var badInUrl = inUrl with { Url = url.Replace("http://", "http://flux:leaked-pw@", StringComparison.Ordinal) };
        var e4 = await Assert.ThrowsAsync<GitOperationException>(() => _git.CheckoutAsync(badInUrl, Target()));
        Assert.DoesNotContain("leaked-pw", e4.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BearerToken()
    {
        var (repo, sha) = await RepoAsync();
        var url = _srv.Bearer.UrlFor(repo.Name);
        var ok = new GitCheckoutRequest(url) { Reference = new GitReference(Branch: "main"), Auth = GitAuth.FromSecret(_srv.BearerSecret, url) };
        Assert.Equal($"main@sha1:{sha}", (await _git.CheckoutAsync(ok, Target())).Revision);

        var wrong = ok with { Auth = GitAuth.FromSecret(new Dictionary<string, byte[]> { ["bearerToken"] = "wrong-token-value-123"u8.ToArray() }, url) };
        var e = await Assert.ThrowsAsync<GitOperationException>(() => _git.CheckoutAsync(wrong, Target()));
        Assert.Equal(GitErrorKind.AuthenticationFailed, e.Kind);
        Assert.DoesNotContain("wrong-token-value-123", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpsWithCaCertificate()
    {
        var (repo, sha) = await RepoAsync();
        var url = _srv.Https.UrlFor(repo.Name);
        Assert.StartsWith("https://", url, StringComparison.Ordinal);
        var ok = new GitCheckoutRequest(url) { Reference = new GitReference(Branch: "main"), Auth = GitAuth.FromSecret(_srv.CaSecret, url) };
        Assert.Equal($"main@sha1:{sha}", (await _git.CheckoutAsync(ok, Target())).Revision);
        Assert.Equal($"main@sha1:{sha}", await _git.ResolveRemoteRevisionAsync(ok));

        var e = await Assert.ThrowsAsync<GitOperationException>(() => _git.ResolveRemoteRevisionAsync(ok with { Auth = null }));
        Assert.Equal(GitErrorKind.TlsVerificationFailed, e.Kind);
        Assert.Contains("ca.crt", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingRepositoryAndUnreachableHost()
    {
        var missing = new GitCheckoutRequest(_srv.Anonymous.UrlFor("does-not-exist.git"));
        var e1 = await Assert.ThrowsAsync<GitOperationException>(() => _git.ResolveRemoteRevisionAsync(missing));
        Assert.Equal(GitErrorKind.NotFound, e1.Kind);
        var e2 = await Assert.ThrowsAsync<GitOperationException>(() => _git.CheckoutAsync(missing, Target()));
        Assert.Equal(GitErrorKind.NotFound, e2.Kind);

        var closed = new GitCheckoutRequest($"http://127.0.0.1:{SshGitServer.FreePort()}/x.git");
        var e3 = await Assert.ThrowsAsync<GitOperationException>(() => _git.ResolveRemoteRevisionAsync(closed));
        Assert.Equal(GitErrorKind.Unreachable, e3.Kind);
        var e4 = await Assert.ThrowsAsync<GitOperationException>(() => _git.CheckoutAsync(closed, Target()));
        Assert.Equal(GitErrorKind.Unreachable, e4.Kind);
    }

    [Fact]
    public async Task HungServerTimesOutAndKillsGit()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            var accept = listener.AcceptSocketAsync(); // accept, then never answer
            var client = new GitClient(new GitClientOptions { Timeout = TimeSpan.FromSeconds(2) });
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var e = await Assert.ThrowsAsync<GitOperationException>(() => client.ResolveRemoteRevisionAsync(new GitCheckoutRequest($"http://127.0.0.1:{port}/slow.git")));
            Assert.Equal(GitErrorKind.Timeout, e.Kind);
            Assert.Contains("spec.timeout", e.Message, StringComparison.Ordinal);
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(15));
            using var socket = await accept;
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task CredentialsNeverReachProcessArguments()
    {
        var (repo, _) = await RepoAsync();
        var log = _tmp.Sub("argv.log");
        var wrapper = _tmp.Sub("git-wrapper.sh");
        File.WriteAllText(wrapper, $"#!/bin/sh\nprintf '%s\\n' \"$@\" >> '{log}'\nexec git \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var client = new GitClient(new GitClientOptions { GitPath = wrapper });
        var basicUrl = _srv.Basic.UrlFor(repo.Name);
        var bearerUrl = _srv.Bearer.UrlFor(repo.Name);
        var basic = new GitCheckoutRequest(basicUrl) { Reference = new GitReference(Branch: "main"), Auth = GitAuth.FromSecret(_srv.BasicSecret, basicUrl) };
        var bearer = new GitCheckoutRequest(bearerUrl) { Reference = new GitReference(Branch: "main"), Auth = GitAuth.FromSecret(_srv.BearerSecret, bearerUrl) };
        await client.CheckoutAsync(basic, Target());
        await client.ResolveRemoteRevisionAsync(bearer);
        await client.CheckoutAsync(bearer, Target());
        var argv = File.ReadAllText(log);
        Assert.Contains("fetch", argv, StringComparison.Ordinal);
        Assert.DoesNotContain(_srv.Password, argv, StringComparison.Ordinal);
        Assert.DoesNotContain(_srv.BearerToken, argv, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{_srv.Username}:{_srv.Password}")), argv, StringComparison.Ordinal);
    }
}
