using System.Diagnostics;

namespace FluxSharp.Cli.Tests;

/// <summary>Processes for the create/export/delete tests: fluxsharp with stdin, kubectl without asserting, git.</summary>
internal static class Authoring
{
    /// <summary>Runs fluxsharp with <paramref name="stdin"/> as its input (closed after writing) and KUBECONFIG set.</summary>
    public static Task<FluxResult> RunAsync(string? stdin, string kubeconfigEnv, params string[] args) =>
        RunProcessAsync(Fluxsharp(kubeconfigEnv, "dotnet", [DevProcess.Executable, .. args], redirectStdin: true), stdin);

    /// <summary>Runs fluxsharp started with no stdin at all (fd 0 closed, as `0&lt;&amp;-` in a shell).</summary>
    public static Task<FluxResult> RunWithStdinClosedAsync(string kubeconfigEnv, params string[] args) =>
        RunProcessAsync(Fluxsharp(kubeconfigEnv, "sh", ["-c", "exec \"$@\" 0<&-", "sh", "dotnet", DevProcess.Executable, .. args], redirectStdin: false), null);

    /// <summary>fluxsharp with no usable kubeconfig at all: what --export must cope with.</summary>
    public static Task<FluxResult> RunWithoutClusterAsync(params string[] args) => RunAsync(null, "/nonexistent/kubeconfig", args);

    public static async Task<(int ExitCode, string Stdout, string Stderr)> KubectlAsync(string kubeconfig, params string[] args)
    {
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("KUBECTL") ?? "kubectl") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("--kubeconfig");
        psi.ArgumentList.Add(kubeconfig);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await WaitForExitAsync(p);
        return (p.ExitCode, await stdout, await stderr);
    }

    /// <summary>kubectl apply of a manifest given as text.</summary>
    public static async Task ApplyAsync(string kubeconfig, string yaml)
    {
        var file = Path.Combine(Path.GetTempPath(), $"fluxsharp-authoring-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, yaml);
        try
        {
            var result = await KubectlAsync(kubeconfig, "apply", "-f", file);
            Assert.True(result.ExitCode == 0, result.Stderr);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>A git repository on branch main with the given files committed.</summary>
    public static async Task<string> GitRepositoryAsync(string dir, IReadOnlyDictionary<string, string> files)
    {
        Directory.CreateDirectory(dir);
        foreach (var (path, content) in files)
        {
            await File.WriteAllTextAsync(Path.Combine(dir, path), content);
        }

        await GitAsync(dir, "init", "-q", "-b", "main");
        await GitAsync(dir, "add", "-A");
        await GitAsync(dir, "-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "initial");
        return "file://" + dir;
    }

    private static ProcessStartInfo Fluxsharp(string kubeconfigEnv, string file, string[] args, bool redirectStdin)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = redirectStdin };
        psi.Environment["KUBECONFIG"] = kubeconfigEnv;
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return psi;
    }

    private static async Task<FluxResult> RunProcessAsync(ProcessStartInfo psi, string? stdin)
    {
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (psi.RedirectStandardInput)
        {
            if (stdin is not null)
            {
                await p.StandardInput.WriteAsync(stdin);
            }

            p.StandardInput.Close();
        }

        await WaitForExitAsync(p);
        return new FluxResult(p.ExitCode, await stdout, await stderr);
    }

    /// <summary>Waits for the process; one that hangs is killed, so it outlives neither the test nor the machine's patience.</summary>
    private static async Task WaitForExitAsync(Process p)
    {
        try
        {
            await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        }
        catch (TimeoutException)
        {
            p.Kill(entireProcessTree: true);
            throw;
        }
    }

    private static async Task GitAsync(string dir, params string[] args)
    {
        var psi = new ProcessStartInfo("git") { WorkingDirectory = dir, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"git {string.Join(' ', args)}: {await stderr}");
    }
}

/// <summary>Golden files under tests/FluxSharp.Cli.Tests/golden/; FLUXSHARP_UPDATE_GOLDEN=1 rewrites them from the actual output.</summary>
internal static class AuthoringGolden
{
    private static string SourceDir => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "golden"));

    public static void Matches(string name, string actual)
    {
        if (Environment.GetEnvironmentVariable("FLUXSHARP_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(SourceDir);
            File.WriteAllText(Path.Combine(SourceDir, name), actual);
            return;
        }

        var path = Path.Combine(AppContext.BaseDirectory, "golden", name);
        Assert.True(File.Exists(path), $"golden file {name} is missing; run the tests with FLUXSHARP_UPDATE_GOLDEN=1 to write it");
        Assert.Equal(File.ReadAllText(path), actual);
    }
}
