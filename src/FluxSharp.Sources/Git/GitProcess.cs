using System.Diagnostics;
using System.Text;

namespace FluxSharp.Sources.Git;

internal sealed record GitRunResult(int ExitCode, string StdOut, string StdErr);

/// <summary>Runs one git process with a timeout, killing the whole process tree on timeout or cancellation.</summary>
internal static class GitProcess
{
    public static async Task<GitRunResult> RunAsync(
        string fileName,
        IReadOnlyList<string> args,
        string? workingDirectory,
        IReadOnlyDictionary<string, string?> environment,
        TimeSpan timeout,
        string operation,
        Func<string, string> sanitize,
        CancellationToken ct)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (workingDirectory is not null)
        {
            psi.WorkingDirectory = workingDirectory;
        }

        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (k, v) in environment)
        {
            if (v is null)
            {
                psi.Environment.Remove(k);
            }
            else
            {
                psi.Environment[k] = v;
            }
        }

        using var process = new Process { StartInfo = psi };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new GitOperationException(GitErrorKind.Other, $"cannot start '{fileName}' for {operation}: {e.Message}; is git installed and on PATH?", e);
        }
        process.StandardInput.Close();

        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);

        using var timeoutCts = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutCts.Token);
        try
        {
            await process.WaitForExitAsync(linked.Token);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            await Task.WhenAny(Task.WhenAll(stdout, stderr), Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None));
            ct.ThrowIfCancellationRequested();
            throw new GitOperationException(GitErrorKind.Timeout,
                $"{operation} timed out after {timeout.TotalSeconds:0.#}s; increase spec.timeout or check that the remote is reachable");
        }

        string outText = await stdout;
        string errText = await stderr;
        return new GitRunResult(process.ExitCode, outText, sanitize(errText));
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // already gone or not ours to kill
        }
    }
}
