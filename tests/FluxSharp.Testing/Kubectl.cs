using System.Diagnostics;
using System.Text;

namespace FluxSharp.Testing;

/// <summary>The result of one kubectl run.</summary>
public sealed record KubectlResult(int ExitCode, string Stdout, string Stderr, string CommandLine)
{
    public bool Success => ExitCode == 0;

    public KubectlResult EnsureSuccess()
    {
        if (!Success)
        {
            throw new InvalidOperationException($"`{CommandLine}` exited {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}");
        }

        return this;
    }
}

/// <summary>Runs the real kubectl (KUBECTL, else kubectl on PATH) against one kubeconfig, with its own discovery cache.</summary>
public sealed class Kubectl
{
    private readonly string _kubeconfig;
    private readonly string _cacheDir;

    public Kubectl(string kubeconfig, string cacheDir, string? executable = null)
    {
        _kubeconfig = kubeconfig;
        _cacheDir = cacheDir;
        Executable = executable ?? Environment.GetEnvironmentVariable("KUBECTL") ?? "kubectl";
    }

    public string Executable { get; }

    public Task<KubectlResult> RunAsync(params string[] args) => RunAsync(args, null);

    public async Task<KubectlResult> RunAsync(string[] args, string? stdin, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("--kubeconfig");
        psi.ArgumentList.Add(_kubeconfig);
        psi.ArgumentList.Add("--cache-dir");
        psi.ArgumentList.Add(_cacheDir);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["KUBECONFIG"] = _kubeconfig;
        psi.Environment["HOME"] = Path.GetDirectoryName(_cacheDir) ?? Path.GetTempPath();
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start kubectl");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {string.Join(' ', args)} did not finish in time");
        }

        return new KubectlResult(process.ExitCode, await stdout, await stderr, "kubectl " + string.Join(' ', args));
    }

    /// <summary>Starts kubectl and leaves it running (for -w); the caller kills it.</summary>
    public Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        psi.ArgumentList.Add("--kubeconfig");
        psi.ArgumentList.Add(_kubeconfig);
        psi.ArgumentList.Add("--cache-dir");
        psi.ArgumentList.Add(_cacheDir);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return Process.Start(psi) ?? throw new InvalidOperationException("cannot start kubectl");
    }
}
