using System.Diagnostics;
using FluxSharp.Testing.Git;

namespace FluxSharp.Cli.Tests;

/// <summary>`fluxsharp bootstrap git` against `fluxsharp dev` and the real smart-HTTP git server (basic auth, push allowed).</summary>
public sealed class BootstrapCommandTests(FluxDevFixture dev, GitHttpServerFixture git, SshGitServerFixture ssh)
    : IClassFixture<FluxDevFixture>, IClassFixture<GitHttpServerFixture>, IClassFixture<SshGitServerFixture>
{
    [Fact]
    public async Task BootstrapOverSshWithAGivenKeyScansTheHostKeyAndNeverPrintsTheKey()
    {
        var repo = await ssh.CreateRepositoryAsync("bootstrap-ssh", "main");
        var keyFile = Path.Combine(Path.GetTempPath(), $"fluxsharp-bootstrap-key-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(keyFile, ssh.Server.IdentityPem);
        if (!OperatingSystem.IsWindows())
        {
            // ssh-keygen refuses a private key others can read, as ssh does.
            File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        try
        {
            var result = await dev.RunAsync(
                "bootstrap", "git", "--url", ssh.Server.UrlFor(repo.BarePath), "--branch=main", "--path=clusters/ssh",
                "--private-key-file", keyFile, "--namespace=ssh-system", "--silent", "--timeout=90s");
            Assert.True(result.ExitCode == 0, result.Stderr + dev.DevOutput);
            Assert.Contains("✔ configured deploy key \"flux-system\"", result.Stderr);
            Assert.Contains("✔ Kustomization reconciled successfully", result.Stderr);
            Assert.DoesNotContain("PRIVATE KEY", result.Stdout + result.Stderr);
            var sync = await GitOutputAsync(repo.BarePath, "show", "main:clusters/ssh/flux-system/gotk-sync.yaml");
            Assert.Contains($"  url: {ssh.Server.UrlFor(repo.BarePath)}\n", sync);
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    [Fact]
    public async Task BootstrapPushesTheManifestsAndSyncsThenARerunMakesNoCommit()
    {
        var repo = await git.CreateRepositoryAsync("bootstrap", "main");
        string[] args =
        [
            "bootstrap", "git", "--url", git.Basic.UrlFor("bootstrap.git"), "--branch=main", "--path=clusters/dev",
            "--username", git.Username, "--password", git.Password, "--author-name=Bot", "--author-email=bot@example.com",
            "--namespace=boot-system", "--version=v1.2.3", "--silent", "--timeout=90s",
        ];
        var first = await dev.RunAsync(args);
        Assert.True(first.ExitCode == 0, first.Stderr + dev.DevOutput);
        Assert.Contains("✔ pushed component and sync manifests", first.Stderr);
        Assert.Contains("✔ Kustomization reconciled successfully", first.Stderr);
        Assert.DoesNotContain(git.Password, first.Stdout + first.Stderr);

        var files = await GitOutputAsync(repo.BarePath, "ls-tree", "-r", "--name-only", "main");
        Assert.Equal(["clusters/dev/flux-system/gotk-components.yaml", "clusters/dev/flux-system/gotk-sync.yaml", "clusters/dev/flux-system/kustomization.yaml"], files.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var sync = await GitOutputAsync(repo.BarePath, "show", "main:clusters/dev/flux-system/gotk-sync.yaml");
        Assert.Contains("  path: ./clusters/dev\n", sync);
        Assert.Contains("  secretRef:\n    name: flux-system\n", sync);
        var author = await GitOutputAsync(repo.BarePath, "log", "-1", "--format=%an <%ae>", "main");
        Assert.Equal("Bot <bot@example.com>", author.Trim());
        var head = await GitOutputAsync(repo.BarePath, "rev-parse", "main");

        var again = await dev.RunAsync(args);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("✔ component and sync manifests are up to date", again.Stderr);
        Assert.Equal(head, await GitOutputAsync(repo.BarePath, "rev-parse", "main"));
    }

    [Fact]
    public async Task AWrongPasswordFailsNamingThePushStepWithoutPrintingIt()
    {
        await git.CreateRepositoryAsync("bootstrap-denied", "main");
        var result = await dev.RunAsync(
            "bootstrap", "git", "--url", git.Basic.UrlFor("bootstrap-denied.git"), "--path=clusters/dev", "--username", git.Username,
            "--password", "not-the-password", "--namespace=denied-system", "--silent", "--timeout=30s");
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("✗ pushing the manifests to the Git repository failed:", result.Stderr.Trim().Split('\n')[^1]);
        Assert.DoesNotContain("not-the-password", result.Stdout + result.Stderr);
    }

    private static async Task<string> GitOutputAsync(string gitDir, params string[] args)
    {
        var psi = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("--git-dir");
        psi.ArgumentList.Add(gitDir);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(p.ExitCode == 0, await stderr);
        return await stdout;
    }
}
