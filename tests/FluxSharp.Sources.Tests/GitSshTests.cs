using System.Text;
using FluxSharp.Sources.Git;
using FluxSharp.Testing.Git;

namespace FluxSharp.Sources.Tests;

public sealed class GitSshTests : IClassFixture<SshGitServerFixture>, IDisposable
{
    private readonly SshGitServerFixture _ssh;
    private readonly TempDirectory _tmp = new("fluxsharp-gitssh-co");
    private readonly GitClient _git = new(new GitClientOptions { Timeout = TimeSpan.FromSeconds(30) });

    public GitSshTests(SshGitServerFixture ssh) => _ssh = ssh;

    public void Dispose() => _tmp.Dispose();

    private string Target() => _tmp.Sub(Guid.NewGuid().ToString("N")[..8]);

    private async Task<(GitRepositoryBuilder Repo, string Sha, string Url)> RepoAsync()
    {
        var repo = await _ssh.CreateRepositoryAsync("r-" + Guid.NewGuid().ToString("N")[..8]);
        var sha = await repo.CommitAndPushAsync("initial", new Dictionary<string, string> { ["k/cm.yaml"] = "kind: ConfigMap\n" });
        return (repo, sha, _ssh.Server.UrlFor(repo.BarePath));
    }

    [Fact]
    public async Task DeployKeyWithKnownHosts()
    {
        var (repo, sha, url) = await RepoAsync();
        var req = new GitCheckoutRequest(url) { Auth = GitAuth.FromSecret(_ssh.Server.Secret(), url) };
        var dir = Target();
        var result = await _git.CheckoutAsync(req, dir);
        Assert.Equal($"master@sha1:{sha}", result.Revision);
        Assert.True(File.Exists(Path.Combine(dir, "k/cm.yaml")));
        Assert.Equal(result.Revision, await _git.ResolveRemoteRevisionAsync(req));
        var next = await repo.CommitAndPushAsync("next", new Dictionary<string, string> { ["k/cm.yaml"] = "kind: Secret\n" });
        Assert.Equal($"master@sha1:{next}", await _git.ResolveRemoteRevisionAsync(req));
        // temp key files are gone
        Assert.DoesNotContain(Directory.EnumerateDirectories(Path.GetTempPath(), "fluxsharp-git-*"), d => File.Exists(Path.Combine(d, "identity")));
    }

    [Fact]
    public async Task WrongHostKeyIsRefused()
    {
        var (_, _, url) = await RepoAsync();
        var req = new GitCheckoutRequest(url) { Auth = GitAuth.FromSecret(_ssh.Server.Secret(wrongHostKey: true), url) };
        var e1 = await Assert.ThrowsAsync<GitOperationException>(() => _git.ResolveRemoteRevisionAsync(req));
        Assert.Equal(GitErrorKind.HostKeyVerificationFailed, e1.Kind);
        Assert.Contains("known_hosts", e1.Message, StringComparison.Ordinal);
        var e2 = await Assert.ThrowsAsync<GitOperationException>(() => _git.CheckoutAsync(req, Target()));
        Assert.Equal(GitErrorKind.HostKeyVerificationFailed, e2.Kind);
    }

    [Fact]
    public async Task UnauthorizedKeyIsAuthenticationFailure()
    {
        var (_, _, url) = await RepoAsync();
        var keyPath = _tmp.Sub("other");
        await SshGitServer.KeygenAsync(keyPath, default);
        var data = new Dictionary<string, byte[]>
        {
            ["identity"] = File.ReadAllBytes(keyPath),
            ["known_hosts"] = Encoding.UTF8.GetBytes(_ssh.Server.KnownHosts),
        };
        var e = await Assert.ThrowsAsync<GitOperationException>(() => _git.ResolveRemoteRevisionAsync(new GitCheckoutRequest(url) { Auth = GitAuth.FromSecret(data, url) }));
        Assert.Equal(GitErrorKind.AuthenticationFailed, e.Kind);
        Assert.DoesNotContain("PRIVATE KEY", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EncryptedKeyWithPassword()
    {
        var (_, sha, url) = await RepoAsync();
        var keyPath = _tmp.Sub("enc");
        await SshGitServer.KeygenAsync(keyPath, default, passphrase: "key-passphrase-1");
        _ssh.Server.Authorize(File.ReadAllText(keyPath + ".pub"));
        var data = new Dictionary<string, byte[]>
        {
            ["identity"] = File.ReadAllBytes(keyPath),
            ["known_hosts"] = Encoding.UTF8.GetBytes(_ssh.Server.KnownHosts),
            ["password"] = "key-passphrase-1"u8.ToArray(),
        };
        var req = new GitCheckoutRequest(url) { Auth = GitAuth.FromSecret(data, url) };
        Assert.Equal($"master@sha1:{sha}", await _git.ResolveRemoteRevisionAsync(req));

        data["password"] = "wrong-passphrase"u8.ToArray();
        var e = await Assert.ThrowsAsync<GitOperationException>(() => _git.ResolveRemoteRevisionAsync(new GitCheckoutRequest(url) { Auth = GitAuth.FromSecret(data, url) }));
        Assert.Equal(GitErrorKind.AuthenticationFailed, e.Kind);
        Assert.DoesNotContain("wrong-passphrase", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SshWithoutSecretIsInvalidAuthAndClosedPortIsUnreachable()
    {
        var (_, _, url) = await RepoAsync();
        var e1 = await Assert.ThrowsAsync<GitOperationException>(() => _git.ResolveRemoteRevisionAsync(new GitCheckoutRequest(url)));
        Assert.Equal(GitErrorKind.InvalidAuth, e1.Kind);
        var closed = $"ssh://git@127.0.0.1:{SshGitServer.FreePort()}/x.git";
        var e2 = await Assert.ThrowsAsync<GitOperationException>(() =>
            _git.ResolveRemoteRevisionAsync(new GitCheckoutRequest(closed) { Auth = GitAuth.FromSecret(_ssh.Server.Secret(), closed) }));
        Assert.Equal(GitErrorKind.Unreachable, e2.Kind);
    }
}
