using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace FluxSharp.Cli.Tests;

/// <summary>
/// `fluxsharp get sources all|all`, `-o yaml|json`, `--watch`, the kinds not served yet, flux's output conventions
/// (colour and a spinner only on a terminal, exit codes, errors that say what to do next) and dev's live view.
/// </summary>
public sealed class GetAndOutputConventionsTests(FluxDevFixture dev) : IClassFixture<FluxDevFixture>
{
    private const string Short = "([^@\\s]+@)?sha1:[0-9a-f]{8}";
    private const string Revision40 = "([^@\\s]+@)?sha1:[0-9a-f]{40}";

    [Fact]
    public async Task GetSourcesAllAndGetAllPrintOneTablePerKindWithKindSlashName()
    {
        var sources = await dev.RunAsync("get", "sources", "all");
        Assert.True(sources.ExitCode == 0, sources.Stderr);
        Assert.Equal(string.Empty, sources.Stderr);
        Assert.Matches("^NAME +\tREVISION +\tSUSPENDED\tREADY\tMESSAGE +\ngitrepository/flux-system\t" + Short + " *\tFalse    \tTrue \tstored artifact for revision '" + Short + "' *\n\n$", sources.Stdout);

        var all = await dev.RunAsync("get", "all");
        Assert.True(all.ExitCode == 0, all.Stderr);
        var tables = all.Stdout.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, tables.Length);
        Assert.StartsWith(sources.Stdout.TrimEnd('\n'), tables[0], StringComparison.Ordinal);
        Assert.Matches("^NAME +\tREVISION +\tSUSPENDED\tREADY\tMESSAGE +\nkustomization/flux-system\t" + Short + " *\tFalse    \tTrue \tApplied revision: " + Short + " *$", tables[1]);
        Assert.EndsWith("\n\n", all.Stdout, StringComparison.Ordinal);

        var allNamespaces = await dev.RunAsync("get", "all", "-A", "--no-header");
        Assert.Matches("^flux-system\tgitrepository/flux-system\t", allNamespaces.Stdout);
        Assert.Contains("\n\nflux-system\tkustomization/flux-system\t", allNamespaces.Stdout, StringComparison.Ordinal);

        // Kinds with no objects are skipped silently, as flux does.
        var empty = await dev.RunAsync("get", "all", "-n", "nothing-here");
        Assert.Equal((0, string.Empty, string.Empty), (empty.ExitCode, empty.Stdout, empty.Stderr));
        var notReady = await dev.RunAsync("get", "sources", "all", "--status-selector", "ready!=true");
        Assert.Equal((0, string.Empty, string.Empty), (notReady.ExitCode, notReady.Stdout, notReady.Stderr));
    }

    [Fact]
    public async Task OutputYamlAndJsonParseBackToTheObjects()
    {
        var uid = await ManagerProcess.KubectlAsync(dev.Kubeconfig, "get", "kustomization", "flux-system", "-n", "flux-system", "-o", "jsonpath={.metadata.uid}");

        var json = await dev.RunAsync("get", "ks", "-o", "json");
        Assert.True(json.ExitCode == 0, json.Stderr);
        var list = JsonNode.Parse(json.Stdout)!;
        Assert.Equal("List", (string?)list["kind"]);
        var item = Assert.Single(list["items"]!.AsArray())!;
        Assert.Equal("kustomize.toolkit.fluxcd.io/v1", (string?)item["apiVersion"]);
        Assert.Equal("Kustomization", (string?)item["kind"]);
        Assert.Equal(uid, (string?)item["metadata"]!["uid"]);
        Assert.Equal("./examples/hello", (string?)item["spec"]!["path"]);

        var one = JsonNode.Parse((await dev.RunAsync("get", "sources", "git", "flux-system", "-o", "json")).Stdout)!;
        Assert.Equal("GitRepository", (string?)one["kind"]);
        Assert.Matches("^" + Revision40, (string?)one["status"]!["artifact"]!["revision"]);

        var yaml = await dev.RunAsync("get", "all", "-A", "-o", "yaml");
        Assert.True(yaml.ExitCode == 0, yaml.Stderr);
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml.Stdout));
        Assert.Equal(2, stream.Documents.Count);
        var docs = stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
        Assert.Equal(new[] { "GitRepository", "Kustomization" }, docs.Select(d => ((YamlScalarNode)d["kind"]).Value));
        Assert.Equal(uid, ((YamlScalarNode)((YamlMappingNode)docs[1]["metadata"])["uid"]).Value);
        Assert.Equal("source.toolkit.fluxcd.io/v1", ((YamlScalarNode)docs[0]["apiVersion"]).Value);

        var bad = await dev.RunAsync("get", "ks", "-o", "wide");
        Assert.Equal(2, bad.ExitCode);
    }

    [Fact]
    public async Task WatchPrintsTheTableThenARowForEveryChangeAndOutlivesTimeout()
    {
        var started = Stopwatch.StartNew();
        await using var watch = RunningFlux.Start("get", "sources", "git", "--watch", "--timeout", "2s", "--kubeconfig", dev.Kubeconfig);
        await watch.WaitForAsync(o => Lines(o).Length >= 2);
        var initial = Lines(watch.Stdout);
        Assert.Matches("^NAME +\tREVISION", initial[0]);
        Assert.StartsWith("flux-system\t", initial[1], StringComparison.Ordinal);

        var reconcile = await dev.RunAsync("reconcile", "source", "git", "flux-system");
        Assert.True(reconcile.ExitCode == 0, reconcile.Stderr);
        // The annotation and the status the controller wrote are changes: rows lined up under the table.
        await watch.WaitForAsync(o => Lines(o).Length >= 4);
        var rows = Lines(watch.Stdout);
        Assert.All(rows.Skip(1), r => Assert.Equal(initial[1].Split('\t').Select(c => c.Length), r.Split('\t').Select(c => c.Length)));
        Assert.All(rows.Skip(1), r => Assert.Matches("^flux-system\t" + Short + " *\tFalse    \tTrue ", r));

        // --timeout bounds the first list only: the watch goes on until Ctrl-C.
        var rest = TimeSpan.FromSeconds(3) - started.Elapsed;
        if (rest > TimeSpan.Zero)
        {
            await Task.Delay(rest);
        }

        Assert.False(watch.HasExited, watch.Stderr);

        // Ctrl-C ends the watch at once, cleanly.
        Assert.Equal(0, await watch.InterruptAsync());
        Assert.Equal(string.Empty, watch.Stderr);

        var all = await dev.RunAsync("get", "all", "--watch");
        Assert.Equal(1, all.ExitCode);
        Assert.StartsWith("✗ expected a single resource type, but found all", all.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HelmRelease (helm.toolkit.fluxcd.io)", "get helmreleases -A")]
    [InlineData("HelmRelease (helm.toolkit.fluxcd.io)", "get hr podinfo")]
    [InlineData("HelmRepository (source.toolkit.fluxcd.io)", "get source helm")]
    [InlineData("HelmChart (source.toolkit.fluxcd.io)", "get sources chart")]
    [InlineData("Bucket (source.toolkit.fluxcd.io)", "get sources bucket --watch")]
    [InlineData("Alert (notification.toolkit.fluxcd.io)", "get alerts")]
    [InlineData("Provider (notification.toolkit.fluxcd.io)", "get alert-providers")]
    [InlineData("ImageRepository (image.toolkit.fluxcd.io)", "get images all")]
    [InlineData("ImagePolicy (image.toolkit.fluxcd.io)", "get image policy")]
    [InlineData("ImageUpdateAutomation (image.toolkit.fluxcd.io)", "get images update")]
    [InlineData("Bucket (source.toolkit.fluxcd.io)", "reconcile source bucket podinfo")]
    [InlineData("HelmRelease (helm.toolkit.fluxcd.io)", "reconcile hr podinfo --with-source")]
    [InlineData("ImageRepository (image.toolkit.fluxcd.io)", "reconcile image repository podinfo")]
    [InlineData("HelmRepository (source.toolkit.fluxcd.io)", "suspend source helm podinfo")]
    [InlineData("Alert (notification.toolkit.fluxcd.io)", "suspend alert --all")]
    [InlineData("Bucket (source.toolkit.fluxcd.io)", "resume source bucket podinfo")]
    [InlineData("ImageUpdateAutomation (image.toolkit.fluxcd.io)", "resume image update flux-system")]
    public async Task KindsNotServedYetSaySo(string kind, string args)
    {
        var result = await dev.RunAsync(args.Split(' '));
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"✗ {kind} is not supported by FluxSharp yet; supported kinds: GitRepository, OCIRepository, Kustomization, Receiver", result.Stderr.Trim());
    }

    [Fact]
    public async Task RedirectedOutputIsPlainAndATerminalGetsColourAndASpinner()
    {
        var redirected = await dev.RunAsync("reconcile", "ks", "flux-system");
        Assert.True(redirected.ExitCode == 0, redirected.Stderr);
        Assert.DoesNotContain('\e', redirected.Stderr);
        Assert.DoesNotContain('\r', redirected.Stderr);
        Assert.Contains("\n◎ waiting for Kustomization reconciliation\n", redirected.Stderr, StringComparison.Ordinal);
        // Every line is one of flux's messages; progress lines (◎) appear only when the status changes.
        Assert.All(Lines(redirected.Stderr), l => Assert.Matches("^[►✔◎] ", l));

        // On a terminal (a pty from script(1)): coloured symbols and a spinner line redrawn in place, then erased.
        var terminal = await InTerminalAsync(null, "reconcile", "ks", "flux-system");
        Assert.Contains("\e[36m►\e[0m annotating Kustomization flux-system in flux-system namespace", terminal, StringComparison.Ordinal);
        Assert.Matches("\r\e\\[K\e\\[36m⠋\e\\[0m Kustomization flux-system/flux-system( [^\r]*)? \\(0s\\)", terminal);
        Assert.Matches("\r\e\\[K\e\\[32m✔\e\\[0m applied revision ", terminal);

        // NO_COLOR: the spinner stays (it is not colour), the colours go.
        var noColor = await InTerminalAsync("1", "reconcile", "ks", "flux-system");
        Assert.Contains("⠋ Kustomization flux-system/flux-system", noColor, StringComparison.Ordinal);
        Assert.Contains("✔ applied revision ", noColor, StringComparison.Ordinal);
        Assert.DoesNotMatch("\e\\[3\\dm", noColor);
    }

    [Fact]
    public async Task UnknownCommandsAndFlagsSuggestAndExit2()
    {
        var command = await FluxResult.RunAsync("get", "kustomizationz");
        Assert.Equal(2, command.ExitCode);
        Assert.Contains("'kustomizationz' was not matched. Did you mean one of the following?\nkustomizations", command.Stdout + command.Stderr, StringComparison.Ordinal);

        var verb = await FluxResult.RunAsync("reconcil", "ks", "flux-system");
        Assert.Equal(2, verb.ExitCode);
        Assert.Contains("Did you mean one of the following?\nreconcile", verb.Stdout + verb.Stderr, StringComparison.Ordinal);

        // An unknown flag is not taken for the optional NAME.
        var flag = await dev.RunAsync("get", "ks", "--bogus");
        Assert.Equal(2, flag.ExitCode);
        Assert.Contains("Unrecognized command or argument '--bogus'", flag.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorsSayWhatToDoNext()
    {
        var missing = await dev.RunAsync("get", "ks", "nope");
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal("✗ Kustomization object 'nope' not found in flux-system namespace; list them with `fluxsharp get kustomization -n flux-system`", missing.Stderr.Trim());

        var reconcile = await dev.RunAsync("reconcile", "source", "git", "nope", "-n", "default");
        Assert.Equal(1, reconcile.ExitCode);
        Assert.EndsWith("not found in default namespace; list them with `fluxsharp get source git -n default`", reconcile.Stderr.Trim(), StringComparison.Ordinal);

        var suspend = await dev.RunAsync("suspend", "source", "git", "flux-system");
        Assert.True(suspend.ExitCode == 0, suspend.Stderr);
        try
        {
            var suspended = await dev.RunAsync("reconcile", "source", "git", "flux-system");
            Assert.Equal(1, suspended.ExitCode);
            Assert.Equal("✗ resource is suspended; run `fluxsharp resume source git flux-system -n flux-system` first", suspended.Stderr.Trim());
        }
        finally
        {
            var resume = await dev.RunAsync("resume", "source", "git", "flux-system");
            Assert.True(resume.ExitCode == 0, resume.Stderr);
        }

    }

    [Fact]
    public async Task AWaitOnAServerThatNeverAnswersEndsAtTimeoutOrCtrlC()
    {
        // A server that accepts connections and never answers: only --timeout or Ctrl-C can end the wait.
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var held = new List<System.Net.Sockets.TcpClient>();
        using var stopAccepting = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            while (!stopAccepting.IsCancellationRequested)
            {
                var client = await silent.AcceptTcpClientAsync(stopAccepting.Token);
                lock (held)
                {
                    held.Add(client);
                }
            }
        });
        var kubeconfig = Path.Combine(Path.GetTempPath(), $"fluxsharp-silent-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(kubeconfig, $$$"""
            apiVersion: v1
            kind: Config
            clusters: [{name: c, cluster: {server: "http://127.0.0.1:{{{((System.Net.IPEndPoint)silent.LocalEndpoint).Port}}}"}}]
            contexts: [{name: c, context: {cluster: c, user: u}}]
            users: [{name: u, user: {token: t}}]
            current-context: c
            """);
        try
        {
            var timedOut = await FluxResult.RunAsync("reconcile", "ks", "flux-system", "--kubeconfig", kubeconfig, "--timeout", "1s");
            Assert.Equal((1, "✗ timed out after 1s waiting for the condition\n"), (timedOut.ExitCode, timedOut.Stderr));

            var before = Held();
            await using var waiting = RunningFlux.Start("reconcile", "ks", "flux-system", "--kubeconfig", kubeconfig, "--timeout", "10m");
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (Held() == before && DateTime.UtcNow < deadline)
            {
                // Until its request is in, left unanswered.
                await Task.Delay(50);
            }

            Assert.True(Held() > before, waiting.Stderr);
            // Ctrl-C: no stack trace, the shell's exit code for an interrupt.
            Assert.Equal(130, await waiting.InterruptAsync());
            Assert.Equal(string.Empty, waiting.Stderr);
        }
        finally
        {
            await stopAccepting.CancelAsync();
            await accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
            held.ForEach(c => c.Dispose());
            File.Delete(kubeconfig);
        }

        int Held()
        {
            lock (held)
            {
                return held.Count;
            }
        }
    }

    [Fact]
    public async Task DevsLiveViewPrintsALinePerChangeWithRevisionAndReadiness()
    {
        var git = new Regex("^GitRepository/flux-system/flux-system  " + Short + "  True  stored artifact for revision '" + Short + "'$", RegexOptions.Multiline);
        var ks = new Regex("^Kustomization/flux-system/flux-system  " + Short + "  True  Applied revision: " + Short + "$", RegexOptions.Multiline);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(git.IsMatch(dev.DevOutput) && ks.IsMatch(dev.DevOutput)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.Matches(git, dev.DevOutput);
        Assert.Matches(ks, dev.DevOutput);
        // The start-up lines come first; the view follows them.
        Assert.True(dev.DevOutput.IndexOf("Ctrl-C stops", StringComparison.Ordinal) < git.Match(dev.DevOutput).Index);
        Assert.DoesNotContain('\e', dev.DevOutput);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Runs fluxsharp on a pseudo-terminal (script(1)) and returns everything it wrote there.</summary>
    private async Task<string> InTerminalAsync(string? noColor, params string[] args)
    {
        var psi = new ProcessStartInfo("script") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.Environment.Remove("NO_COLOR");
        if (noColor is not null)
        {
            psi.Environment["NO_COLOR"] = noColor;
        }

        var line = string.Join(' ', new[] { "dotnet", DevProcess.Executable }.Concat(args).Concat(["--kubeconfig", dev.Kubeconfig]).Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
        foreach (var a in new[] { "-qec", line, "/dev/null" })
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        Assert.True(p.ExitCode == 0, await output + await error);
        return await output;
    }
}

/// <summary>A fluxsharp process left running (e.g. a watch), its output collected as it comes.</summary>
internal sealed class RunningFlux : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private RunningFlux(Process process)
    {
        _process = process;
    }

    public bool HasExited => _process.HasExited;

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static RunningFlux Start(params string[] args)
    {
        // As from a terminal, SIGINT must be deliverable: a test run started in the background (`cmd &` in a script)
        // inherits SIGINT ignored, and an ignored signal stays ignored across exec unless reset.
        var psi = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("--default-signal=INT");
        psi.ArgumentList.Add("dotnet");
        psi.ArgumentList.Add(DevProcess.Executable);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        var running = new RunningFlux(Process.Start(psi)!);
        running._process.OutputDataReceived += (_, e) => Append(running._stdout, e.Data);
        running._process.ErrorDataReceived += (_, e) => Append(running._stderr, e.Data);
        running._process.BeginOutputReadLine();
        running._process.BeginErrorReadLine();
        return running;
    }

    /// <summary>Waits (up to a minute) until stdout satisfies the condition; fails with what was printed otherwise.</summary>
    public async Task WaitForAsync(Func<string, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition(Stdout))
        {
            Assert.True(DateTime.UtcNow < deadline && !_process.HasExited, $"stdout:\n{Stdout}\nstderr:\n{Stderr}");
            await Task.Delay(100);
        }
    }

    /// <summary>Ctrl-C: sends SIGINT and returns the exit code (it must exit within 60 seconds, even on a loaded machine).</summary>
    public async Task<int> InterruptAsync()
    {
        Assert.Equal(0, DevProcess.Kill(_process.Id, 2));
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            // Say what the process had printed (SIGINT ignored by an inherited disposition looked like a hang).
            Assert.Fail($"still running 60 s after SIGINT (exited: {_process.HasExited});\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static void Append(StringBuilder sb, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (sb)
        {
            sb.Append(line).Append('\n');
        }
    }
}
