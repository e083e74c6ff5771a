using System.Diagnostics;

namespace FluxSharp.Cli.Tests;

/// <summary>One `fluxsharp dev` for the flux-like command tests; waits until its GitRepository and Kustomization are Ready.</summary>
public sealed class FluxDevFixture : IAsyncLifetime
{
    private readonly string _stateDir = Path.Combine(Path.GetTempPath(), "fluxsharp-cli-tests", Guid.NewGuid().ToString("N")[..12]);
    private DevProcess? _dev;

    public string Kubeconfig => Path.Combine(_stateDir, "kubeconfig");

    /// <summary>What the dev process has printed so far (start-up lines and its live view).</summary>
    public string DevOutput => _dev?.Output ?? string.Empty;

    public async Task InitializeAsync()
    {
        _dev = await DevProcess.StartAsync(_stateDir);
        var result = await RunAsync("reconcile", "ks", "flux-system", "--with-source", "--timeout", "90s");
        Assert.True(result.ExitCode == 0, result.Stderr + _dev.Output);
    }

    public async Task DisposeAsync()
    {
        if (_dev is not null)
        {
            await _dev.DisposeAsync();
        }

        try
        {
            Directory.Delete(_stateDir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    /// <summary>Runs `fluxsharp ARGS --kubeconfig KUBECONFIG` as a process.</summary>
    public Task<FluxResult> RunAsync(params string[] args) => FluxResult.RunAsync([.. args, "--kubeconfig", Kubeconfig]);
}

/// <summary>A finished fluxsharp process.</summary>
public sealed record FluxResult(int ExitCode, string Stdout, string Stderr)
{
    public static Task<FluxResult> RunAsync(params string[] args) => RunWithKubeconfigEnvAsync(null, args);

    /// <summary>Runs fluxsharp with KUBECONFIG set to <paramref name="kubeconfigEnv"/> (when not null).</summary>
    public static async Task<FluxResult> RunWithKubeconfigEnvAsync(string? kubeconfigEnv, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (kubeconfigEnv is not null)
        {
            psi.Environment["KUBECONFIG"] = kubeconfigEnv;
        }

        psi.ArgumentList.Add(DevProcess.Executable);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        return new FluxResult(p.ExitCode, await stdout, await stderr);
    }
}

/// <summary>`fluxsharp get|reconcile|suspend|resume|version` against a running `fluxsharp dev`, compared with flux's output.</summary>
public sealed class FluxCommandTests(FluxDevFixture dev) : IClassFixture<FluxDevFixture>
{
    private const string Revision = "([^@\\s]+@)?sha1:[0-9a-f]{40}";

    [Fact]
    public async Task GetSourcesGitPrintsFluxsTable()
    {
        var result = await dev.RunAsync("get", "sources", "git");
        Assert.Equal(0, result.ExitCode);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Matches("^NAME       \tREVISION +\tSUSPENDED\tREADY\tMESSAGE +$", lines[0]);
        Assert.Matches("^flux-system\t([^@\\s]+@)?sha1:[0-9a-f]{8} *\tFalse    \tTrue \tstored artifact for revision '([^@\\s]+@)?sha1:[0-9a-f]{8}' *$", lines[1]);
        // Columns line up: every cell of a column has the header's width.
        Assert.Equal(lines[0].Split('\t').Select(c => c.Length), lines[1].Split('\t').Select(c => c.Length));
    }

    [Fact]
    public async Task GetKustomizationsAllNamespacesHasANamespaceColumnAndTheAliasWorks()
    {
        var result = await dev.RunAsync("get", "ks", "-A");
        Assert.Equal(0, result.ExitCode);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("NAMESPACE  \tNAME       \tREVISION", lines[0], StringComparison.Ordinal);
        Assert.Matches("^flux-system\tflux-system\t\\S+\tFalse    \tTrue \tApplied revision: ", lines[1]);

        var long_ = await dev.RunAsync("get", "kustomizations", "-n", "flux-system");
        Assert.Equal(0, long_.ExitCode);
        Assert.StartsWith("NAME ", long_.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmptyResultsAndStatusSelectorsSayNoObjectsFound()
    {
        var notReady = await dev.RunAsync("get", "sources", "git", "--status-selector", "ready=false");
        Assert.Equal(0, notReady.ExitCode);
        Assert.Equal(string.Empty, notReady.Stdout);
        Assert.Equal("✗ no GitRepository objects found in flux-system namespace", notReady.Stderr.Trim());

        var ready = await dev.RunAsync("get", "ks", "--status-selector", "ready=true");
        Assert.Contains("flux-system", ready.Stdout, StringComparison.Ordinal);

        var elsewhere = await dev.RunAsync("get", "ks", "-n", "default");
        Assert.Equal(0, elsewhere.ExitCode);
        Assert.Equal("✗ no Kustomization objects found in default namespace", elsewhere.Stderr.Trim());
    }

    [Fact]
    public async Task ReconcileSourceGitAnnotatesWaitsAndPrintsTheRevision()
    {
        var result = await dev.RunAsync("reconcile", "source", "git", "flux-system");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Matches(
            "^► annotating GitRepository flux-system in flux-system namespace\n✔ GitRepository annotated\n◎ waiting for GitRepository reconciliation\n✔ fetched revision " + Revision + "\n$",
            result.Stderr);
        var requestedAt = await ManagerProcess.KubectlAsync(dev.Kubeconfig, "get", "gitrepository", "flux-system", "-n", "flux-system", "-o", "jsonpath={.metadata.annotations.reconcile\\.fluxcd\\.io/requestedAt}");
        Assert.Matches("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z$", requestedAt);
        var handled = await ManagerProcess.KubectlAsync(dev.Kubeconfig, "get", "gitrepository", "flux-system", "-n", "flux-system", "-o", "jsonpath={.status.lastHandledReconcileAt}");
        Assert.Equal(requestedAt, handled);
    }

    [Fact]
    public async Task ReconcileKustomizationWithAndWithoutSource()
    {
        var alone = await dev.RunAsync("reconcile", "kustomization", "flux-system");
        Assert.True(alone.ExitCode == 0, alone.Stderr);
        Assert.Matches(
            "^► annotating Kustomization flux-system in flux-system namespace\n✔ Kustomization annotated\n◎ waiting for Kustomization reconciliation\n✔ applied revision " + Revision + "\n$",
            alone.Stderr);

        var withSource = await dev.RunAsync("reconcile", "ks", "flux-system", "--with-source");
        Assert.True(withSource.ExitCode == 0, withSource.Stderr);
        var lines = withSource.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(8, lines.Length);
        Assert.Equal("► annotating GitRepository flux-system in flux-system namespace", lines[0]);
        Assert.StartsWith("✔ fetched revision ", lines[3], StringComparison.Ordinal);
        Assert.Equal("► annotating Kustomization flux-system in flux-system namespace", lines[4]);
        Assert.StartsWith("✔ applied revision ", lines[7], StringComparison.Ordinal);
    }

    [Fact]
    public async Task SuspendedObjectsAreNotReconciledUntilResumed()
    {
        var suspend = await dev.RunAsync("suspend", "ks", "flux-system");
        Assert.Equal(0, suspend.ExitCode);
        Assert.Equal("► suspending kustomization flux-system in flux-system namespace\n✔ kustomization suspended\n", suspend.Stderr);
        Assert.Matches("\tTrue     \tTrue ", (await dev.RunAsync("get", "ks")).Stdout);

        var reconcile = await dev.RunAsync("reconcile", "ks", "flux-system");
        Assert.Equal(1, reconcile.ExitCode);
        Assert.Equal("✗ resource is suspended; run `fluxsharp resume kustomization flux-system -n flux-system` first", reconcile.Stderr.Trim());

        var resume = await dev.RunAsync("resume", "ks", "--all");
        Assert.True(resume.ExitCode == 0, resume.Stderr);
        Assert.Matches(
            "^► resuming kustomization flux-system in flux-system namespace\n✔ kustomization resumed\n◎ waiting for Kustomization reconciliation\n✔ Kustomization reconciliation completed\n✔ applied revision " + Revision + "\n$",
            resume.Stderr);
        Assert.Matches("\tFalse    \tTrue ", (await dev.RunAsync("get", "ks")).Stdout);

        var source = await dev.RunAsync("suspend", "source", "git", "flux-system");
        Assert.Equal("► suspending source git flux-system in flux-system namespace\n✔ source git suspended\n", source.Stderr);
        var resumed = await dev.RunAsync("resume", "source", "git", "flux-system");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Contains("✔ source git resumed\n", resumed.Stderr, StringComparison.Ordinal);
        Assert.Matches("✔ fetched revision " + Revision + "\n$", resumed.Stderr);
    }

    [Fact]
    public async Task AReconciliationEndingNotReadyIsExitCode1WithTheReadyMessage()
    {
        // In "default" so the flux-system tables stay as they are.
        var broken = """{"apiVersion":"source.toolkit.fluxcd.io/v1","kind":"GitRepository","metadata":{"name":"broken","namespace":"default"},"spec":{"interval":"1h","url":"file:///nonexistent/repo","ref":{"branch":"main"}}}""";
        var file = Path.Combine(Path.GetTempPath(), $"fluxsharp-broken-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, broken);
        try
        {
            await ManagerProcess.KubectlAsync(dev.Kubeconfig, "apply", "-f", file);
        }
        finally
        {
            File.Delete(file);
        }

        var result = await dev.RunAsync("reconcile", "source", "git", "broken", "-n", "default", "--timeout", "60s");
        Assert.Equal(1, result.ExitCode);
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("◎ waiting for GitRepository reconciliation", lines[2]);
        Assert.StartsWith("✗ ", lines[3], StringComparison.Ordinal);
        Assert.Contains("/nonexistent/repo", lines[3], StringComparison.Ordinal);
        Assert.Equal(4, lines.Length);

        var notReady = await dev.RunAsync("get", "sources", "git", "-A", "--status-selector", "ready=false");
        Assert.Matches("^default  \tbroken\t", notReady.Stdout.Split('\n')[1]);
    }

    [Fact]
    public async Task AMissingObjectIsExitCode1WithKubectlsNotFound()
    {
        var result = await dev.RunAsync("reconcile", "source", "git", "nope");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("✗ gitrepositories.source.toolkit.fluxcd.io \"nope\" not found in flux-system namespace; list them with `fluxsharp get source git -n flux-system`", result.Stderr.Trim());

        var suspend = await dev.RunAsync("suspend", "ks", "nope");
        Assert.Equal(1, suspend.ExitCode);
        Assert.Equal("✗ kustomizations.kustomize.toolkit.fluxcd.io \"nope\" not found in flux-system namespace; list them with `fluxsharp get kustomization -n flux-system`", suspend.Stderr.Trim());
    }

    [Fact]
    public async Task KubeconfigListsAreMergedAsKubectlDoes()
    {
        // KUBECONFIG=a:b: files that don't exist are skipped; current-context may come from one file, the context from another.
        var context = File.ReadAllLines(dev.Kubeconfig).Single(l => l.StartsWith("current-context:", StringComparison.Ordinal))["current-context:".Length..].Trim().Trim('"');
        var only = Path.Combine(Path.GetTempPath(), $"fluxsharp-ctx-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(only, $"apiVersion: v1\nkind: Config\ncurrent-context: {context}\n");
        try
        {
            var env = string.Join(Path.PathSeparator, "/nonexistent/kubeconfig", only, dev.Kubeconfig);
            var result = await FluxResult.RunWithKubeconfigEnvAsync(env, "get", "ks");
            Assert.True(result.ExitCode == 0, result.Stderr);
            Assert.Contains("flux-system", result.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(only);
        }
    }

    [Fact]
    public async Task ABadContextOrUnreachableClusterIsOneLineAndExitCode1()
    {
        var context = await dev.RunAsync("get", "ks", "--context", "nope");
        Assert.Equal(1, context.ExitCode);
        Assert.Equal($"✗ context \"nope\" does not exist in kubeconfig \"{dev.Kubeconfig}\"", context.Stderr.Trim());

        var missing = await FluxResult.RunAsync("get", "sources", "git", "--kubeconfig", "/nonexistent/kubeconfig");
        Assert.Equal(1, missing.ExitCode);
        Assert.StartsWith("✗ kubeconfig file \"/nonexistent/kubeconfig\" does not exist; pass --kubeconfig or set KUBECONFIG", missing.Stderr.Trim(), StringComparison.Ordinal);

        // A kubeconfig whose server nobody listens on.
        var dead = Path.Combine(Path.GetTempPath(), $"fluxsharp-dead-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(dead, """
            apiVersion: v1
            kind: Config
            clusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]
            contexts: [{name: c, context: {cluster: c, user: u}}]
            users: [{name: u, user: {token: t}}]
            current-context: c
            """);
        try
        {
            var unreachable = await FluxResult.RunAsync("get", "ks", "--kubeconfig", dead, "--timeout", "10s");
            Assert.Equal(1, unreachable.ExitCode);
            Assert.Matches("^✗ unable to connect to the cluster: .*; is `fluxsharp dev` running\\? check --kubeconfig/KUBECONFIG\n$", unreachable.Stderr);
        }
        finally
        {
            File.Delete(dead);
        }
    }

    [Theory]
    [InlineData("clusters: [{name: c, cluster: {server: \"https://127.0.0.1:1\", certificate-authority: ./missing-ca.crt}}]", "missing-ca.crt")]
    [InlineData("clusters: [{name: c, cluster: {server: \"https://127.0.0.1:1\", certificate-authority-data: \"!!not base64\"}}]", "Base-64")]
    [InlineData("clusters: not-a-list", "line 1: ")]
    [InlineData("clusters: [{name: c, cluster: {server: \"http://127.0.0.1:1\"}}", "line ")]
    public async Task AMalformedKubeconfigIsOneLineNamingTheFileWithoutItsSecrets(string clusters, string says)
    {
        var file = Path.Combine(Path.GetTempPath(), $"fluxsharp-bad-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, clusters + """

            contexts: [{name: c, context: {cluster: c, user: u}}]
            users: [{name: u, user: {token: secret-token}}]
            current-context: c
            """);
        try
        {
            var result = await FluxResult.RunAsync("get", "ks", "--kubeconfig", file);
            Assert.Equal(1, result.ExitCode);
            Assert.StartsWith($"✗ invalid kubeconfig \"{file}\": ", result.Stderr, StringComparison.Ordinal);
            Assert.Contains(says, result.Stderr, StringComparison.Ordinal);
            Assert.Single(result.Stderr.Trim().Split('\n'));
            Assert.DoesNotContain("secret-token", result.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task AnExecUserInTheKubeconfigIsRun()
    {
        // The credential plugin leaves a mark, so the test sees it ran, and hands out dev's admin token.
        var dir = Path.Combine(Path.GetTempPath(), $"fluxsharp-exec-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        var mark = Path.Combine(dir, "ran");
        var server = File.ReadAllLines(dev.Kubeconfig).Select(l => l.Trim()).Single(l => l.StartsWith("server:", StringComparison.Ordinal))["server:".Length..].Trim().Trim('"');
        var token = File.ReadAllLines(dev.Kubeconfig).Select(l => l.Trim()).Single(l => l.StartsWith("token:", StringComparison.Ordinal))["token:".Length..].Trim().Trim('"');
        var ca = File.ReadAllLines(dev.Kubeconfig).Select(l => l.Trim()).Single(l => l.StartsWith("certificate-authority-data:", StringComparison.Ordinal))["certificate-authority-data:".Length..].Trim();
        var plugin = Path.Combine(dir, "credential.sh");
        await File.WriteAllTextAsync(plugin, $$$"""
            #!/bin/sh
            touch '{{{mark}}}'
            echo '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"{{{token}}}"}}'
            """);
        var kubeconfig = Path.Combine(dir, "kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, $$$"""
            apiVersion: v1
            kind: Config
            clusters: [{name: c, cluster: {server: "{{{server}}}", certificate-authority-data: "{{{ca}}}", tls-server-name: localhost}}]
            contexts: [{name: c, context: {cluster: c, user: u}}]
            users:
            - name: u
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1beta1
                  command: sh
                  args: ["{{{plugin}}}"]
            current-context: c
            """);
        try
        {
            var result = await FluxResult.RunAsync("get", "ks", "--kubeconfig", kubeconfig);
            Assert.True(result.ExitCode == 0, result.Stderr);
            Assert.Contains("flux-system", result.Stdout, StringComparison.Ordinal);
            Assert.True(File.Exists(mark), "the exec credential plugin did not run");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task KubeconfigComesFromTheEnvironmentAndTimeoutIsAGoDuration()
    {
        var result = await FluxResult.RunWithKubeconfigEnvAsync(dev.Kubeconfig, "get", "sources", "git", "--timeout", "1m30s");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.StartsWith("NAME ", result.Stdout, StringComparison.Ordinal);

        var bad = await dev.RunAsync("get", "ks", "--timeout", "5 minutes");
        Assert.Equal(2, bad.ExitCode);
        Assert.Equal("error: --timeout: invalid duration \"5 minutes\"", bad.Stderr.Trim());
    }

    [Fact]
    public async Task VersionPrintsClientAndServer()
    {
        var result = await dev.RunAsync("version");
        Assert.Equal(0, result.ExitCode);
        Assert.Matches("^fluxsharp: v\\d+\\.\\d+\\.\\d+\nkubernetes: v\\S+\n$", result.Stdout);

        var client = await FluxResult.RunAsync("version", "--client");
        Assert.Matches("^fluxsharp: v\\d+\\.\\d+\\.\\d+\n$", client.Stdout);
    }
}
