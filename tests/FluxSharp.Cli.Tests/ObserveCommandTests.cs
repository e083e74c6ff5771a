using System.Diagnostics;

namespace FluxSharp.Cli.Tests;

/// <summary>`fluxsharp events|logs|stats|check` against a running `fluxsharp dev`, compared with flux's output.</summary>
public sealed class ObserveCommandTests(FluxDevFixture dev) : IClassFixture<FluxDevFixture>
{
    private const string Age = "\\d+(s|m|m\\d+s|h|h\\d+m|d|d\\d+h)";

    [Fact]
    public async Task EventsShowTheFluxSystemObjectsEventsOldestFirst()
    {
        var result = await dev.RunAsync("events");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches("^LAST SEEN\tTYPE  \tREASON +\tOBJECT +\tMESSAGE", lines[0]);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, $"^{Age} *\tNormal\tNewArtifact +\tGitRepository/flux-system\tstored artifact for commit "));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, $"^{Age} *\tNormal\tReconciliationSucceeded\tKustomization/flux-system\tReconciliation finished in "));
        // Oldest first: the source's first artifact comes before the Kustomization's first success.
        Assert.True(
            Array.FindIndex(lines, l => l.Contains("NewArtifact", StringComparison.Ordinal)) < Array.FindIndex(lines, l => l.Contains("ReconciliationSucceeded", StringComparison.Ordinal)),
            result.Stdout);

        var git = await dev.RunAsync("events", "--for", "GitRepository/flux-system");
        Assert.Equal(0, git.ExitCode);
        var gitRows = git.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Where(l => !l.StartsWith(' ')).ToList();
        Assert.NotEmpty(gitRows);
        Assert.All(gitRows, l => Assert.Contains("\tGitRepository/flux-system\t", l, StringComparison.Ordinal));

        // A Kustomization's events come with its source's (flux's --for), and short kinds work.
        var ks = await dev.RunAsync("events", "--for", "ks/flux-system");
        Assert.Contains("\tKustomization/flux-system\t", ks.Stdout, StringComparison.Ordinal);
        Assert.Contains("\tGitRepository/flux-system\t", ks.Stdout, StringComparison.Ordinal);

        var all = await dev.RunAsync("events", "-A", "--for", "gitrepository");
        Assert.StartsWith("NAMESPACE  \tLAST SEEN", all.Stdout, StringComparison.Ordinal);

        var none = await dev.RunAsync("events", "-n", "default");
        Assert.Equal(0, none.ExitCode);
        Assert.Equal("✗ No events found in default namespace.", none.Stderr.Trim());
    }

    [Fact]
    public async Task EventsWatchStreamsUntilStopped()
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { DevProcess.Executable, "events", "--watch", "--for", "Kustomization/flux-system", "--timeout", "2s", "--kubeconfig", dev.Kubeconfig })
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        try
        {
            // A reconcile after the watch started shows up (new, or counted on an aggregated event), though --timeout (2s) has passed.
            Assert.StartsWith("LAST SEEN", await p.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)), StringComparison.Ordinal);
            await Task.Delay(TimeSpan.FromSeconds(2));
            var reconcile = await dev.RunAsync("reconcile", "ks", "flux-system");
            Assert.True(reconcile.ExitCode == 0, reconcile.Stderr);
            string? line;
            do
            {
                line = await p.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            }
            while (line is not null && !System.Text.RegularExpressions.Regex.IsMatch(line, "^[0-9]s( \\(x\\d+ over [^)]+\\))? *\tNormal\tReconciliationSucceeded"));

            Assert.NotNull(line);
            Assert.False(p.HasExited);
        }
        finally
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task LogsShowTheManagersReconcileLinesInFluxsFormat()
    {
        var result = await dev.RunAsync("logs", "--kind", "Kustomization");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        // A multi-line message continues on lines of its own, as flux prints it.
        Assert.All(lines.Where(l => char.IsAsciiDigit(l[0])), l => Assert.Matches("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z (info|error) Kustomization/flux-system\\.flux-system - ", l));
        Assert.Contains(lines, l => l.Contains(" info Kustomization/flux-system.flux-system - Reconciliation finished in ", StringComparison.Ordinal));

        var git = await dev.RunAsync("logs", "--kind", "gitrepository", "--name", "flux-system");
        Assert.Contains(" info GitRepository/flux-system.flux-system - stored artifact for commit ", git.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Kustomization/", git.Stdout, StringComparison.Ordinal);

        // Nothing failed, so no error lines; and --tail limits what is read.
        var errors = await dev.RunAsync("logs", "-A", "--level", "error");
        Assert.Equal(0, errors.ExitCode);
        Assert.DoesNotContain(" info ", errors.Stdout, StringComparison.Ordinal);
        var tail = await dev.RunAsync("logs", "-A", "--tail", "1", "--level", "info");
        Assert.True(tail.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length <= 1, tail.Stdout);

        // Objects elsewhere are filtered by -n.
        var elsewhere = await dev.RunAsync("logs", "-n", "default", "--kind", "Kustomization");
        Assert.Equal(string.Empty, elsewhere.Stdout);

        var since = await dev.RunAsync("logs", "--kind", "Kustomization", "--since", "1h");
        Assert.Contains("Reconciliation finished in ", since.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KubectlLogsReadsTheManagerPodsJsonLines()
    {
        var log = await ManagerProcess.KubectlAsync(dev.Kubeconfig, "logs", "-n", "flux-system", "fluxsharp-manager");
        Assert.Contains("\"controllerKind\":\"Kustomization\"", log, StringComparison.Ordinal);
        Assert.Contains("\"level\":\"info\"", log, StringComparison.Ordinal);
        var pod = await ManagerProcess.KubectlAsync(dev.Kubeconfig, "get", "pod", "-n", "flux-system", "-l", "app.kubernetes.io/name=fluxsharp", "-o", "jsonpath={.items[*].metadata.name} {.items[*].status.phase}");
        Assert.Equal("fluxsharp-manager Running", pod);
    }

    [Fact]
    public async Task StatsCountsTheReconcilersAndTheirStorage()
    {
        var result = await dev.RunAsync("stats");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        Assert.Equal("RECONCILERS  \tRUNNING\tFAILING\tSUSPENDED\tSTORAGE", lines[0].TrimEnd());
        Assert.Matches("^GitRepository\t1      \t0      \t0        \t\\d+(\\.\\d)? (B|KiB|MiB)", lines[1]);
        Assert.Equal("OCIRepository\t0      \t0      \t0        \t-", lines[2].TrimEnd());
        Assert.Equal("Kustomization\t1      \t0      \t0        \t-", lines[3].TrimEnd());
        Assert.Equal("Receiver     \t0      \t0      \t0        \t-", lines[4].TrimEnd());

        var empty = await dev.RunAsync("stats", "-n", "kube-system");
        Assert.Contains("GitRepository\t0      \t0      \t0        \t-", empty.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckPassesOnDev()
    {
        var pre = await dev.RunAsync("check", "--pre");
        Assert.True(pre.ExitCode == 0, pre.Stderr);
        Assert.Matches("^► checking prerequisites\n✔ Kubernetes 1\\.\\d+\\.\\d+\\S* >=1\\.32\\.0-0\n✔ prerequisites checks passed\n$", pre.Stderr);

        var check = await dev.RunAsync("check");
        Assert.True(check.ExitCode == 0, check.Stderr);
        Assert.Matches(
            "^► checking prerequisites\n✔ Kubernetes \\S+ >=1\\.32\\.0-0\n► checking controllers\n✔ fluxsharp-manager: pod ready\n► fluxsharp:v\\S+\n► checking crds\n"
            + "✔ gitrepositories\\.source\\.toolkit\\.fluxcd\\.io/v1\n✔ ocirepositories\\.source\\.toolkit\\.fluxcd\\.io/v1\n✔ kustomizations\\.kustomize\\.toolkit\\.fluxcd\\.io/v1\n✔ receivers\\.notification\\.toolkit\\.fluxcd\\.io/v1\n✔ all checks passed\n$",
            check.Stderr);

        var elsewhere = await dev.RunAsync("check", "-n", "default");
        Assert.Equal(1, elsewhere.ExitCode);
        Assert.Contains("✗ no controllers found in the 'default' namespace with the label selector 'app.kubernetes.io/name=fluxsharp'\n", elsewhere.Stderr, StringComparison.Ordinal);
        Assert.EndsWith("✗ check failed\n", elsewhere.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1", "✗ 'Foo' is not a recognized Flux kind", "events", "--for", "Foo/bar")]
    [InlineData("1", "✗ HelmRelease (helm.toolkit.fluxcd.io) is not supported by FluxSharp yet; supported kinds: GitRepository, OCIRepository, Kustomization, Receiver", "events", "--for", "HelmRelease/podinfo")]
    [InlineData("1", "✗ --for selector must be of format <kind>[/<name>]", "events", "--for", "Kustomization/a/b")]
    [InlineData("2", "error: --level: unsupported log level \"loud\", must be one of: debug, info, error", "logs", "--level", "loud")]
    [InlineData("2", "error: --since: invalid duration \"5 minutes\"", "logs", "--since", "5 minutes")]
    [InlineData("1", "✗ 'Foo' is not a recognized Flux kind", "logs", "--kind", "Foo")]
    [InlineData("1", "✗ no FluxSharp pods found in namespace \"default\"", "logs", "--flux-namespace", "default")]
    public async Task BadInputIsOneLine(string exitCode, string message, params string[] args)
    {
        var result = await dev.RunAsync(args);
        Assert.Equal(int.Parse(exitCode, System.Globalization.CultureInfo.InvariantCulture), result.ExitCode);
        Assert.Equal(message, result.Stderr.Trim());
    }
}

/// <summary>`fluxsharp completion SHELL`: scripts that call back the [suggest] directive.</summary>
public sealed class CompletionCommandTests
{
    [Fact]
    public async Task TheSuggestDirectiveListsRealSubcommandsAndFlags()
    {
        var get = await FluxResult.RunAsync("[suggest:4]", "get ");
        Assert.Equal(0, get.ExitCode);
        var suggestions = get.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("kustomizations", suggestions);
        Assert.Contains("sources", suggestions);

        var level = await FluxResult.RunAsync("[suggest:13]", "logs --level ");
        Assert.Equal(["debug", "error", "info"], level.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TheBashScriptIsValidAndCompletesThroughFluxsharp()
    {
        var script = await FluxResult.RunAsync("completion", "bash");
        Assert.Equal(0, script.ExitCode);
        var dir = Path.Combine(Path.GetTempPath(), "fluxsharp-completion-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var file = Path.Combine(dir, "fluxsharp.bash");
            await File.WriteAllTextAsync(file, script.Stdout);
            Assert.Equal((0, string.Empty), await BashAsync(dir, "-n", file));

            // A `fluxsharp` on PATH, as users have it; complete `fluxsharp get k` as bash would.
            var wrapper = Path.Combine(dir, "fluxsharp");
            await File.WriteAllTextAsync(wrapper, $"#!/bin/sh\nexec dotnet '{DevProcess.Executable}' \"$@\"\n");
            var (code, output) = await BashAsync(dir, "-c", $"chmod +x '{wrapper}'; source '{file}'; COMP_LINE='fluxsharp get k'; COMP_POINT=${{#COMP_LINE}}; COMP_WORDS=(fluxsharp get k); COMP_CWORD=2; _fluxsharp_completions; printf '%s\\n' \"${{COMPREPLY[@]}}\"");
            Assert.Equal(0, code);
            Assert.Equal(["ks", "kustomization", "kustomizations"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("zsh", "compdef _fluxsharp fluxsharp")]
    [InlineData("fish", "complete -c fluxsharp -f -a '(__fluxsharp_complete)'")]
    [InlineData("powershell", "Register-ArgumentCompleter -Native -CommandName fluxsharp")]
    public async Task EveryShellHasAScriptCallingTheSuggestDirective(string shell, string registration)
    {
        var result = await FluxResult.RunAsync("completion", shell);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains(registration, result.Stdout, StringComparison.Ordinal);
        Assert.Contains("[suggest:", result.Stdout, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> BashAsync(string pathDir, params string[] args)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["PATH"] = pathDir + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        var error = await stderr;
        return (p.ExitCode, (await stdout) + error);
    }
}
