using FluxSharp.Controllers.Tests.Infrastructure;
using FluxSharp.Testing.Git;

namespace FluxSharp.Controllers.Tests;

/// <summary>GitRepository over SSH (OpenSSH sshd on loopback): deploy key and known_hosts from the Secret.</summary>
public sealed class GitRepositorySshTests : IClassFixture<SourceControllerFixture>, IClassFixture<SshGitServerFixture>
{
    private readonly SourceControllerFixture _f;
    private readonly SshGitServerFixture _ssh;

    public GitRepositorySshTests(SourceControllerFixture f, SshGitServerFixture ssh)
    {
        _f = f;
        _ssh = ssh;
    }

    [Fact]
    public async Task DeployKeyWithKnownHosts()
    {
        var ns = await _f.NewNamespaceAsync();
        var git = await _ssh.CreateRepositoryAsync("r-" + Guid.NewGuid().ToString("N")[..8], "main");
        var sha = await git.CommitAndPushAsync("initial", new Dictionary<string, string> { ["deploy/cm.yaml"] = "kind: ConfigMap\n" });
        await _f.CreateSecretAsync(ns, "deploy-key", _ssh.Server.Secret());
        await _f.CreateAsync(SourceControllerFixture.NewRepository(ns, "ssh", _ssh.Server.UrlFor(git.BarePath), secret: "deploy-key"));

        var repo = await _f.WaitReadyAsync(ns, "ssh", $"main@sha1:{sha}");
        var (bytes, digest, _) = await _f.DownloadAsync(repo.Status!.Artifact!.Url);
        Assert.Equal(repo.Status.Artifact.Digest, digest);
        Assert.Equal("kind: ConfigMap\n", await SourceControllerFixture.ReadEntryAsync(bytes, "deploy/cm.yaml"));

        var next = await git.CommitAndPushAsync("next", new Dictionary<string, string> { ["deploy/cm.yaml"] = "kind: Secret\n" });
        await _f.RequestReconcileAsync(ns, "ssh");
        await _f.WaitReadyAsync(ns, "ssh", $"main@sha1:{next}");
    }

    [Fact]
    public async Task WrongKnownHostsFailsHostKeyVerification()
    {
        var ns = await _f.NewNamespaceAsync();
        var git = await _ssh.CreateRepositoryAsync("r-" + Guid.NewGuid().ToString("N")[..8], "main");
        await git.CommitAndPushAsync("initial", new Dictionary<string, string> { ["a.txt"] = "a" });
        await _f.CreateSecretAsync(ns, "wrong-host", _ssh.Server.Secret(wrongHostKey: true));
        await _f.CreateAsync(SourceControllerFixture.NewRepository(ns, "mitm", _ssh.Server.UrlFor(git.BarePath), secret: "wrong-host"));

        var failed = await _f.WaitNotReadyAsync(ns, "mitm", "AuthenticationFailed");
        var message = SourceControllerFixture.Ready(failed)!.Message;
        Assert.Contains("host key", message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("known_hosts", message, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", message, StringComparison.Ordinal);
        Assert.Null(failed.Status!.Artifact);
        var warning = await _f.WaitEventAsync(ns, "mitm", "Warning", "AuthenticationFailed");
        Assert.DoesNotContain("PRIVATE KEY", warning.Message, StringComparison.Ordinal);
    }
}
