using System.Diagnostics;
using System.Text.RegularExpressions;

namespace FluxSharp.Cli.Tests;

/// <summary>
/// Walks the README's quickstarts as a new user would, command for command, in a fresh clone of this repository.
/// The only substitutions: the built fluxsharp instead of `dotnet run` (no rebuild), free ports, and for the
/// real-cluster quickstart a local repository instead of GitHub (no internet here).
/// </summary>
public sealed partial class QuickstartTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fluxsharp-quickstart-tests", Guid.NewGuid().ToString("N")[..12]);

    public QuickstartTests() => Directory.CreateDirectory(_dir);

    private static string Fluxsharp => $"dotnet {DevProcess.Executable}";

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    [Fact]
    public async Task ReadmeQuickstartWithoutAClusterWorksCommandForCommand()
    {
        var clone = await CloneThisRepositoryAsync();
        var devLine = Block("quickstart:dev").Trim();
        Assert.Equal("dotnet run --project src/FluxSharp.Cli -- dev", devLine);
        var use = Block("quickstart:use");

        using var dev = StartBackground(clone, devLine.Replace("dotnet run --project src/FluxSharp.Cli --", Fluxsharp, StringComparison.Ordinal));
        // As a user does: the second terminal starts once dev says it is up.
        await WaitForOutputAsync("Ctrl-C stops", dev);
        Assert.True(File.Exists(Path.Combine(clone, ".fluxsharp", "kubeconfig")), dev.Output);

        var result = await RunScriptAsync(clone, ReplaceAlias(use));
        Assert.True(result.ExitCode == 0, $"quickstart failed (exit {result.ExitCode}):\n{result.Output}\n--- dev ---\n{dev.Output}");
        Assert.Contains("Kustomization/flux-system/flux-system", result.Output, StringComparison.Ordinal);
        Assert.Contains("Deployment/hello/hello", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadmeQuickstartOnAClusterWorksWithALocalRepository()
    {
        // "The cluster": a bare local control plane; the README's commands install the CRDs and run the manager.
        var stateDir = Path.Combine(_dir, "cluster");
        await using var cluster = await DevProcess.StartAsync(stateDir, "--no-controllers", "--no-sync");
        var clone = await CloneThisRepositoryAsync();
        var podinfo = await PodinfoLikeRepositoryAsync();
        var script = Block("quickstart:cluster")
            // podinfo is replaced by a local repository, which the manager fetches only with --allow-file-urls.
            .Replace("dotnet run --project src/FluxSharp.Cli -- manager", $"{Fluxsharp} manager --allow-file-urls", StringComparison.Ordinal)
            .Replace("127.0.0.1:9090", "127.0.0.1:0", StringComparison.Ordinal)
            .Replace("127.0.0.1:8080", "127.0.0.1:0", StringComparison.Ordinal)
            .Replace("127.0.0.1:9292", "127.0.0.1:0", StringComparison.Ordinal)
            .Replace("/tmp/fluxsharp ", Path.Combine(_dir, "artifacts") + " ", StringComparison.Ordinal)
            .Replace("https://github.com/stefanprodan/podinfo", "file://" + podinfo, StringComparison.Ordinal);
        Assert.Contains("file://", script, StringComparison.Ordinal);

        var result = await RunScriptAsync(clone, "export KUBECONFIG=" + Path.Combine(stateDir, "kubeconfig") + "\ntrap 'kill $(jobs -p) 2>/dev/null' EXIT\n" + ReplaceAlias(script));
        Assert.True(result.ExitCode == 0, $"quickstart failed (exit {result.ExitCode}):\n{result.Output}");
        // Only the CRDs were applied: the first create makes flux-system, and says so.
        Assert.Contains("► creating namespace flux-system (not found; `flux install` would have made it)", result.Output, StringComparison.Ordinal);
        // `get all`: the source fetched its revision, the Kustomization applied it, both Ready and not suspended.
        Assert.True(GetAllRow("gitrepository").IsMatch(result.Output), result.Output);
        Assert.True(GetAllRow("kustomization").IsMatch(result.Output), result.Output);
    }

    /// <summary>The shell lines of the fenced block after the README comment `&lt;!-- MARKER ... --&gt;`.</summary>
    private static string Block(string marker)
    {
        var readme = File.ReadAllText(Path.Combine(CommandReferenceTests.RepositoryRoot, "README.md"));
        var at = readme.IndexOf("<!-- " + marker, StringComparison.Ordinal);
        Assert.True(at >= 0, $"README.md has no <!-- {marker} --> section");
        var start = readme.IndexOf("```sh\n", at, StringComparison.Ordinal) + "```sh\n".Length;
        return readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];
    }

    /// <summary>The README's alias for the built CLI (aliases don't expand in scripts) as a shell function.</summary>
    private static string ReplaceAlias(string script)
    {
        Assert.Matches(AliasLine(), script);
        return AliasLine().Replace(script, $"fluxsharp() {{ {Fluxsharp} \"$@\"; }}");
    }

    private async Task<string> CloneThisRepositoryAsync()
    {
        var clone = Path.Combine(_dir, "fluxsharp");
        await GitAsync(_dir, "clone", "-q", CommandReferenceTests.RepositoryRoot, clone);
        // CI checks out a detached commit; a user's clone is on a branch, and dev follows the branch.
        await GitAsync(clone, "checkout", "-q", "-B", "main");
        return clone;
    }

    /// <summary>A repository shaped like stefanprodan/podinfo for the quickstart: branch master with ./kustomize.</summary>
    private async Task<string> PodinfoLikeRepositoryAsync()
    {
        var repo = Path.Combine(_dir, "podinfo");
        Directory.CreateDirectory(Path.Combine(repo, "kustomize"));
        foreach (var file in Directory.GetFiles(Path.Combine(CommandReferenceTests.RepositoryRoot, "examples", "hello")))
        {
            File.Copy(file, Path.Combine(repo, "kustomize", Path.GetFileName(file)));
        }

        await GitAsync(repo, "init", "-q", "-b", "master");
        await GitAsync(repo, "add", "-A");
        await GitAsync(repo, "commit", "-qm", "podinfo");
        return repo;
    }

    private static async Task GitAsync(string cwd, params string[] args)
    {
        var result = await RunAsync(cwd, "git", args);
        Assert.True(result.ExitCode == 0, $"git {string.Join(' ', args)}: {result.Output}");
    }

    private static Task<(int ExitCode, string Output)> RunScriptAsync(string cwd, string script) =>
        RunAsync(cwd, "bash", ["-euo", "pipefail", "-c", script]);

    private static async Task<(int ExitCode, string Output)> RunAsync(string cwd, string file, string[] args)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (name, value) in GitIdentity)
        {
            psi.Environment[name] = value;
        }

        using var p = Process.Start(psi)!;
        var output = new System.Text.StringBuilder();
        p.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        p.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        try
        {
            await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        }
        finally
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
            }
        }

        await p.WaitForExitAsync();
        lock (output)
        {
            return (p.ExitCode, output.ToString());
        }
    }

    private static readonly (string, string)[] GitIdentity =
        [("GIT_AUTHOR_NAME", "quickstart"), ("GIT_AUTHOR_EMAIL", "quickstart@example.com"), ("GIT_COMMITTER_NAME", "quickstart"), ("GIT_COMMITTER_EMAIL", "quickstart@example.com")];

    private static Background StartBackground(string cwd, string command) => new(cwd, command);

    private static async Task WaitForOutputAsync(string text, Background process)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (!process.Output.Contains(text, StringComparison.Ordinal))
        {
            Assert.False(process.HasExited, $"exited before printing {text}:\n{process.Output}");
            await Task.Delay(100, timeout.Token);
        }
    }

    private static Regex GetAllRow(string kind) => new($@"(?m)^{kind}/podinfo\s+master@sha1:[0-9a-f]{{8}}\s+False\s+True\s");

    [GeneratedRegex("(?m)^alias fluxsharp=.*$")]
    private static partial Regex AliasLine();

    /// <summary>The README's first terminal: a long-running command, killed at the end.</summary>
    private sealed class Background : IDisposable
    {
        private readonly Process _process;
        private readonly System.Text.StringBuilder _output = new();

        public Background(string cwd, string command)
        {
            var psi = new ProcessStartInfo("bash") { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add("exec " + command);
            _process = Process.Start(psi)!;
            _process.OutputDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
            _process.ErrorDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public bool HasExited => _process.HasExited;

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }

            _process.Dispose();
        }
    }
}
