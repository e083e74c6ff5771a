using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FluxSharp.Testing;

namespace FluxSharp.Cli.Tests;

/// <summary>`fluxsharp dev` as a user runs it: a real process, real kubectl against the kubeconfig it writes.</summary>
public sealed class DevCommandTests : IDisposable
{
    private readonly string _stateDir = Path.Combine(Path.GetTempPath(), "fluxsharp-dev-tests", Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_stateDir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    [Fact]
    public async Task DevServesTheApiWritesKubeconfigAndKeepsStateAcrossASigtermRestart()
    {
        string kubeconfig;
        await using (var dev = await DevProcess.StartAsync(_stateDir, "--no-sync"))
        {
            Assert.StartsWith("https://127.0.0.1:", dev.ApiUrl, StringComparison.Ordinal);
            kubeconfig = Path.Combine(_stateDir, "kubeconfig");
            Assert.True(File.Exists(kubeconfig));

            var ns = await RunKubectlAsync(kubeconfig, "get", "namespace", "default", "-o", "jsonpath={.status.phase}");
            Assert.Contains("gitrepositories.source.toolkit.fluxcd.io", await RunKubectlAsync(kubeconfig, "get", "crds", "-o", "name"), StringComparison.Ordinal);
            Assert.Equal("Active", ns);
            await RunKubectlAsync(kubeconfig, ["apply", "-f", "-"], """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"kept","namespace":"default"},"data":{"k":"v"}}""");

            Assert.Equal(0, await dev.StopWithSigtermAsync());
            Assert.Contains("stopping", dev.Output, StringComparison.Ordinal);
        }

        await using (var again = await DevProcess.StartAsync(_stateDir, "--no-sync"))
        {
            var value = await RunKubectlAsync(kubeconfig, "get", "configmap", "kept", "-o", "jsonpath={.data.k}");
            Assert.Equal("v", value);
        }
    }

    [Fact]
    public async Task DevInstallsFluxCrdsAndSyncsThisRepositoryIntoAReadyGitRepository()
    {
        await using var dev = await DevProcess.StartAsync(_stateDir);
        var kubeconfig = Path.Combine(_stateDir, "kubeconfig");
        Assert.Contains("artifacts:", dev.Output, StringComparison.Ordinal);
        Assert.Contains("sync:        GitRepository flux-system/flux-system <- file://", dev.Output, StringComparison.Ordinal);

        await RunKubectlAsync(kubeconfig, "wait", "--for=condition=Ready", "gitrepository/flux-system", "-n", "flux-system", "--timeout=60s");
        var revision = await RunKubectlAsync(kubeconfig, "get", "gitrepository", "flux-system", "-n", "flux-system", "-o", "jsonpath={.status.artifact.revision}");
        // A branch checkout gives main@sha1:..., a detached one (as CI makes) pins the commit: sha1:...
        Assert.Matches("^([^@]+@)?sha1:[0-9a-f]{40}$", revision);

        // The artifact is served where status says, and its digest is what status says.
        var url = await RunKubectlAsync(kubeconfig, "get", "gitrepository", "flux-system", "-n", "flux-system", "-o", "jsonpath={.status.artifact.url}");
        var digest = await RunKubectlAsync(kubeconfig, "get", "gitrepository", "flux-system", "-n", "flux-system", "-o", "jsonpath={.status.artifact.digest}");
        using var http = new HttpClient();
        var bytes = await http.GetByteArrayAsync(new Uri(url));
        Assert.Equal(digest, "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));

        // The Kustomization applies examples/hello, and puts back what someone changes by hand.
        await RunKubectlAsync(kubeconfig, "wait", "--for=condition=Ready", "kustomization/flux-system", "-n", "flux-system", "--timeout=90s");
        Assert.Equal("2", await RunKubectlAsync(kubeconfig, "get", "deployment", "hello", "-n", "hello", "-o", "jsonpath={.status.readyReplicas}"));
        await RunKubectlAsync(kubeconfig, "scale", "deployment", "hello", "-n", "hello", "--replicas=5");
        await RunKubectlAsync(kubeconfig, "annotate", "kustomization", "flux-system", "-n", "flux-system", "reconcile.fluxcd.io/requestedAt=drift", "--overwrite");
        await RunKubectlAsync(kubeconfig, "wait", "--for=jsonpath={.spec.replicas}=2", "deployment/hello", "-n", "hello", "--timeout=60s");
    }

    [Fact]
    public async Task DevPrintsOneLinePerEventAndWritesTheManagersJsonLogToTheStateDir()
    {
        await using var dev = await DevProcess.StartAsync(_stateDir, "--log-level", "debug");
        var kubeconfig = Path.Combine(_stateDir, "kubeconfig");
        var logFile = Path.Combine(_stateDir, "logs", "manager.log");
        Assert.Contains($"logs:        {logFile} ", dev.Output, StringComparison.Ordinal);
        await RunKubectlAsync(kubeconfig, "wait", "--for=condition=Ready", "kustomization/flux-system", "-n", "flux-system", "--timeout=90s");
        await Eventually.WaitAsync(
            () => dev.Output.Contains("✔ Kustomization/flux-system/flux-system: Reconciliation finished in ", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30),
            "the Kustomization's success event on dev's console");

        // The console: events and the view's change lines, no console-logger lines, and each change set once.
        var lines = dev.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain(lines, l => Regex.IsMatch(l, "^(trce|dbug|info|warn|fail|crit): "));
        Assert.Contains(lines, l => l.StartsWith("✔ GitRepository/flux-system/flux-system: stored artifact for commit ", StringComparison.Ordinal));
        var applied = Assert.Single(lines, l => l.Contains("Deployment/hello/hello created", StringComparison.Ordinal));
        Assert.StartsWith("✔ Kustomization/flux-system/flux-system: Namespace/hello created, ", applied, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("Kustomization/flux-system/flux-system  ", StringComparison.Ordinal) && l.Contains("  True  Applied revision: ", StringComparison.Ordinal));

        // The log file: Flux's JSON lines, at the level asked for.
        var entries = await Eventually.WaitAsync(
            async () => (await ReadSharedAsync(logFile)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList(),
            e => e.Any(l => (string?)l["controllerKind"] == "Kustomization" && ((string?)l["msg"])?.StartsWith("Reconciliation finished in ", StringComparison.Ordinal) == true),
            TimeSpan.FromSeconds(30),
            "the Kustomization's reconcile in the log file");
        Assert.All(entries, e => Assert.True(e["level"] is not null && e["ts"] is not null && e["msg"] is not null, e.ToJsonString()));
        Assert.Contains(entries, e => (string?)e["level"] == "debug");
        Assert.Single(entries, e => ((string?)e["msg"])?.Contains("Deployment/hello/hello created", StringComparison.Ordinal) == true);

        // `fluxsharp logs` reads the same lines from the manager Pod.
        var logs = await Authoring.RunAsync(null, kubeconfig, "logs", "--kind", "Kustomization", "--kubeconfig", kubeconfig);
        Assert.True(logs.ExitCode == 0, logs.Stderr);
        Assert.Contains(" info Kustomization/flux-system.flux-system - Reconciliation finished in ", logs.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DevRestartedOnItsStateServesArtifactsFromTheNewServerAndDoesNotReprintOldEvents()
    {
        var kubeconfig = Path.Combine(_stateDir, "kubeconfig");
        await using (var first = await DevProcess.StartAsync(_stateDir))
        {
            await RunKubectlAsync(kubeconfig, "wait", "--for=condition=Ready", "kustomization/flux-system", "-n", "flux-system", "--timeout=90s");
            Assert.Equal(0, await first.StopWithSigtermAsync());
            Assert.Contains("stored artifact for commit", first.Output, StringComparison.Ordinal);
        }

        await using var again = await DevProcess.StartAsync(_stateDir);
        var artifacts = Regex.Match(again.Output, "^artifacts: +(\\S+)$", RegexOptions.Multiline).Groups[1].Value;
        Assert.StartsWith("http://127.0.0.1:", artifacts, StringComparison.Ordinal);

        // The artifact server has a new port: the GitRepository's URL follows it, and the Kustomization can download.
        await Eventually.WaitAsync(
            () => RunKubectlAsync(kubeconfig, "get", "gitrepository", "flux-system", "-n", "flux-system", "-o", "jsonpath={.status.artifact.url}"),
            url => url.StartsWith(artifacts, StringComparison.Ordinal),
            TimeSpan.FromSeconds(60),
            "the artifact URL on the restarted artifact server");
        await RunKubectlAsync(kubeconfig, "annotate", "kustomization", "flux-system", "-n", "flux-system", "reconcile.fluxcd.io/requestedAt=restarted", "--overwrite");
        await RunKubectlAsync(kubeconfig, "wait", "--for=jsonpath={.status.lastHandledReconcileAt}=restarted", "kustomization/flux-system", "-n", "flux-system", "--timeout=60s");
        Assert.Equal("True", await RunKubectlAsync(kubeconfig, "get", "kustomization", "flux-system", "-n", "flux-system", "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}"));

        // The first run's events are kept in the state, but only new ones are printed (the artifact was not made again).
        await Eventually.WaitAsync(
            () => again.Output.Contains("✔ Kustomization/flux-system/flux-system: Reconciliation finished in ", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30),
            "the restarted Kustomization's success event");
        Assert.DoesNotContain("stored artifact for commit", again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DevRejectsABadLogLevelInOneLine()
    {
        var psi = DevProcess.StartInfo(_stateDir, "--log-level", "loud");
        using var p = Process.Start(psi)!;
        var stderr = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.Equal(2, p.ExitCode);
        Assert.Equal("error: --log-level: \"loud\" is not one of debug, info, error", stderr.Trim());
        Assert.False(Directory.Exists(_stateDir));
    }

    [Fact]
    public async Task DevRejectsAnInvalidPortWithAClearMessage()
    {
        var psi = DevProcess.StartInfo(_stateDir, "--port", "70000");
        using var p = Process.Start(psi)!;
        var stderr = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.NotEqual(0, p.ExitCode);
        Assert.Contains("--port", stderr, StringComparison.Ordinal);
    }

    /// <summary>The file's text, read while dev still appends to it.</summary>
    private static async Task<string> ReadSharedAsync(string path)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(file);
        var text = await reader.ReadToEndAsync();
        // A line being written is not complete yet.
        return text[..(text.LastIndexOf('\n') + 1)];
    }

    [Fact]
    public Task EveryKustomizationIsReadyAgainAfterASigtermRestartWithoutANewCommit() =>
        AssertReadyAgainAfterRestartAsync(async dev => Assert.Equal(0, await dev.StopWithSigtermAsync()));

    /// <summary>No wait before the kill: the store commits every write before acknowledging it.</summary>
    [Fact]
    public Task EveryKustomizationIsReadyAgainAfterAKill9RestartWithoutANewCommit() =>
        AssertReadyAgainAfterRestartAsync(dev => dev.KillAsync());

    /// <summary>
    /// Syncs the sample until every Kustomization is Ready, stops dev with <paramref name="stop"/>, starts it again on
    /// the same state dir, asks every source and Kustomization to reconcile and sees each Ready, from the same
    /// revision and artifact URL (the artifact port is kept), with no new commit.
    /// </summary>
    private async Task AssertReadyAgainAfterRestartAsync(Func<DevProcess, Task> stop)
    {
        var kubeconfig = Path.Combine(_stateDir, "kubeconfig");
        string url, revision;
        await using (var dev = await DevProcess.StartAsync(_stateDir))
        {
            await RunKubectlAsync(kubeconfig, "wait", "--for=condition=Ready", "kustomizations", "--all", "-A", "--timeout=90s");
            url = await RunKubectlAsync(kubeconfig, "get", "gitrepository", "flux-system", "-n", "flux-system", "-o", "jsonpath={.status.artifact.url}");
            revision = await RunKubectlAsync(kubeconfig, "get", "gitrepository", "flux-system", "-n", "flux-system", "-o", "jsonpath={.status.artifact.revision}");
            await stop(dev);
        }

        await using var again = await DevProcess.StartAsync(_stateDir);
        Assert.DoesNotContain("is taken", again.Output, StringComparison.Ordinal);

        // Sources first: their artifact URL names the address served now.
        var at = "restart-" + Guid.NewGuid().ToString("N")[..8];
        await RunKubectlAsync(kubeconfig, "annotate", "gitrepositories", "--all", "-A", $"{RequestedAt}={at}", "--overwrite");
        await RunKubectlAsync(kubeconfig, "wait", $"--for=jsonpath={{.status.lastHandledReconcileAt}}={at}", "gitrepositories", "--all", "-A", "--timeout=60s");
        Assert.Equal(revision, await RunKubectlAsync(kubeconfig, "get", "gitrepository", "flux-system", "-n", "flux-system", "-o", "jsonpath={.status.artifact.revision}"));
        Assert.Equal(url, await RunKubectlAsync(kubeconfig, "get", "gitrepository", "flux-system", "-n", "flux-system", "-o", "jsonpath={.status.artifact.url}"));

        // Then every Kustomization downloads it again: Ready=True on a reconcile handled after the restart.
        await RunKubectlAsync(kubeconfig, "annotate", "kustomizations", "--all", "-A", $"{RequestedAt}={at}", "--overwrite");
        await RunKubectlAsync(kubeconfig, "wait", $"--for=jsonpath={{.status.lastHandledReconcileAt}}={at}", "kustomizations", "--all", "-A", "--timeout=90s");
        var ready = await RunKubectlAsync(kubeconfig, "get", "kustomizations", "-A", "-o",
            "jsonpath={range .items[*]}{.metadata.name}: {.status.conditions[?(@.type==\"Ready\")].status} {.status.conditions[?(@.type==\"Ready\")].message} {.status.lastAppliedRevision}{\"\\n\"}{end}");
        var lines = ready.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.Matches($"^[^:]+: True .* {System.Text.RegularExpressions.Regex.Escape(revision)}$", l));
    }

    private const string RequestedAt = "reconcile.fluxcd.io/requestedAt";

    private static Task<string> RunKubectlAsync(string kubeconfig, params string[] args) => RunKubectlAsync(kubeconfig, args, null);

    private static async Task<string> RunKubectlAsync(string kubeconfig, string[] args, string? stdin)
    {
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("KUBECTL") ?? "kubectl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        psi.ArgumentList.Add("--kubeconfig");
        psi.ArgumentList.Add(kubeconfig);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        if (stdin is not null)
        {
            await p.StandardInput.WriteAsync(stdin);
        }

        p.StandardInput.Close();
        var stdout = await p.StandardOutput.ReadToEndAsync();
        var stderr = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"kubectl {string.Join(' ', args)} failed: {stderr}");
        return stdout;
    }
}

/// <summary>A running `fluxsharp dev` process; its API URL is read from what it prints.</summary>
internal sealed class DevProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    private DevProcess(Process process)
    {
        _process = process;
    }

    public string ApiUrl { get; private set; } = string.Empty;

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

    /// <summary>The built fluxsharp.dll of the same configuration as the tests.</summary>
    public static string Executable => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src", "FluxSharp.Cli", "bin", Configuration, "net10.0", "fluxsharp.dll"));

    public static ProcessStartInfo StartInfo(string stateDir, params string[] extra)
    {
        var exe = Executable;
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add(Path.GetFullPath(exe));
        psi.ArgumentList.Add("dev");
        psi.ArgumentList.Add("--state-dir");
        psi.ArgumentList.Add(stateDir);
        foreach (var e in extra)
        {
            psi.ArgumentList.Add(e);
        }

        return psi;
    }

    public static async Task<DevProcess> StartAsync(string stateDir, params string[] extra)
    {
        var dev = new DevProcess(Process.Start(StartInfo(stateDir, ["--port", "0", .. extra]))!);
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        dev._process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (dev._output)
            {
                dev._output.AppendLine(e.Data);
            }

            if (e.Data.StartsWith("API server:", StringComparison.Ordinal))
            {
                dev.ApiUrl = e.Data["API server:".Length..].Trim();
            }

            // Everything is up once dev says how to stop it.
            if (e.Data.StartsWith("Ctrl-C stops", StringComparison.Ordinal))
            {
                ready.TrySetResult(dev.ApiUrl);
            }
        };
        dev._process.BeginOutputReadLine();
        dev._process.BeginErrorReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return dev;
    }

    public async Task<int> StopWithSigtermAsync()
    {
        Assert.Equal(0, Kill(_process.Id, 15));
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return _process.ExitCode;
    }

    /// <summary>kill -9: the process gets no chance to stop cleanly.</summary>
    public async Task KillAsync()
    {
        Assert.Equal(0, Kill(_process.Id, 9));
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
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

    /// <summary>Sends a signal (2 SIGINT as Ctrl-C, 15 SIGTERM) to a process.</summary>
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    internal static extern int Kill(int pid, int signal);

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif
}

/// <summary>`fluxsharp manager` as it runs in a cluster: flags and FLUXSHARP_* environment, leader election, health.</summary>
public sealed class ManagerCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fluxsharp-manager-tests", Guid.NewGuid().ToString("N")[..12]);

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
    public async Task ManagerReconcilesWithLeaderElectionAndOnlyTheLeaderIsReady()
    {
        await using var dev = await DevProcess.StartAsync(Path.Combine(_dir, "state"), "--no-controllers");
        var kubeconfig = Path.Combine(_dir, "state", "kubeconfig");
        await using var leader = await ManagerProcess.StartAsync(kubeconfig, Path.Combine(_dir, "a"));
        await ManagerProcess.KubectlAsync(kubeconfig, "wait", "--for=condition=Ready", "gitrepository/flux-system", "-n", "flux-system", "--timeout=60s");
        var holder = await ManagerProcess.KubectlAsync(kubeconfig, "get", "lease", "fluxsharp-manager", "-n", "flux-system", "-o", "jsonpath={.spec.holderIdentity}");
        Assert.False(string.IsNullOrEmpty(holder));

        await using var follower = await ManagerProcess.StartAsync(kubeconfig, Path.Combine(_dir, "b"));
        using var http = new HttpClient();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync(new Uri(leader.MetricsUrl, "readyz"))).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, (await http.GetAsync(new Uri(follower.MetricsUrl, "readyz"))).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync(new Uri(follower.MetricsUrl, "healthz"))).StatusCode);
        var metrics = await http.GetStringAsync(new Uri(leader.MetricsUrl, "metrics"));
        Assert.Contains("gotk_reconcile_duration_seconds_count{kind=\"GitRepository\",name=\"flux-system\",namespace=\"flux-system\"}", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABadFlagValueIsOneLineAndExitCode2()
    {
        var psi = DevProcess.StartInfo(_dir);
        psi.ArgumentList.Clear();
        psi.ArgumentList.Add(DevProcess.Executable);
        psi.ArgumentList.Add("manager");
        psi.ArgumentList.Add("--log-level");
        psi.ArgumentList.Add("loud");
        using var p = Process.Start(psi)!;
        var stderr = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.Equal(2, p.ExitCode);
        Assert.Equal("error: --log-level: \"loud\" is not one of debug, info, error", stderr.Trim());
    }
}

/// <summary>A running `fluxsharp manager` with leader election, configured partly through FLUXSHARP_* variables.</summary>
internal sealed class ManagerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ManagerProcess(Process process, Uri metricsUrl)
    {
        _process = process;
        MetricsUrl = metricsUrl;
    }

    public Uri MetricsUrl { get; }

    public static async Task<ManagerProcess> StartAsync(string kubeconfig, string storage)
    {
        var psi = DevProcess.StartInfo(storage);
        psi.ArgumentList.Clear();
        psi.ArgumentList.Add(DevProcess.Executable);
        psi.ArgumentList.Add("manager");
        psi.ArgumentList.Add("--kubeconfig");
        psi.ArgumentList.Add(kubeconfig);
        psi.ArgumentList.Add("--enable-leader-election");
        psi.Environment["FLUXSHARP_STORAGE_PATH"] = storage;
        psi.Environment["FLUXSHARP_STORAGE_ADDR"] = "127.0.0.1:0";
        psi.Environment["FLUXSHARP_METRICS_ADDR"] = "127.0.0.1:0";
        psi.Environment["FLUXSHARP_RECEIVER_ADDR"] = "127.0.0.1:0";
        psi.Environment["FLUXSHARP_EVENTS_ADDR"] = "127.0.0.1:0";
        psi.Environment["FLUXSHARP_LOG_ENCODING"] = "console";
        // dev's sample GitRepository is this checkout over file://.
        psi.Environment["FLUXSHARP_ALLOW_FILE_URLS"] = "true";
        var process = Process.Start(psi)!;
        var metrics = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("metrics:", StringComparison.Ordinal) == true)
            {
                var url = e.Data["metrics:".Length..].Trim();
                metrics.TrySetResult(new Uri(url[..^"metrics".Length]));
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var metricsUrl = await metrics.Task.WaitAsync(TimeSpan.FromSeconds(60));

        return new ManagerProcess(process, metricsUrl);
    }

    public static async Task<string> KubectlAsync(string kubeconfig, params string[] args)
    {
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("KUBECTL") ?? "kubectl") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("--kubeconfig");
        psi.ArgumentList.Add(kubeconfig);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = await p.StandardOutput.ReadToEndAsync();
        var stderr = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"kubectl {string.Join(' ', args)} failed: {stderr}");
        return stdout;
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
}
