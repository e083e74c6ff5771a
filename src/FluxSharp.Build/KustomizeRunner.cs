using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using FluxSharp.Api;

namespace FluxSharp.Build;

/// <summary>
/// Runs the real kustomize: <c>kustomize build</c> when <c>kustomize</c> is on PATH, else <c>kubectl kustomize</c>,
/// with <c>--load-restrictor LoadRestrictionsNone</c> (as Flux builds) and plugins and Helm left disabled.
/// </summary>
public static partial class KustomizeRunner
{
    /// <summary>The command line used: (executable, leading arguments). Null when neither tool is on PATH.</summary>
    public static (string Executable, string[] Arguments)? FindTool()
    {
        if (FindOnPath("kustomize") is { } kustomize)
        {
            return (kustomize, ["build"]);
        }

        if (FindOnPath("kubectl") is { } kubectl)
        {
            return (kubectl, ["kustomize"]);
        }

        return null;
    }

    /// <summary>Builds <paramref name="dir"/> and returns kustomize's YAML output.</summary>
    /// <param name="dir">The directory holding the kustomization file.</param>
    /// <param name="sourceRoot">Used to shorten absolute paths in error messages; null to leave them.</param>
    /// <param name="timeout">Kills kustomize (and its children) after this long.</param>
    /// <exception cref="BuildException">Reason <c>BuildFailed</c>, with kustomize's own error (which names the file).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<string> BuildAsync(string dir, string? sourceRoot, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dir);
        var tool = FindTool() ?? throw new BuildException(ConditionReasons.BuildFailed,
            "kustomize build failed: neither 'kustomize' nor 'kubectl' was found on PATH");
        var psi = new ProcessStartInfo(tool.Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = dir,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in tool.Arguments)
        {
            psi.ArgumentList.Add(a);
        }

        psi.ArgumentList.Add("--load-restrictor");
        psi.ArgumentList.Add("LoadRestrictionsNone");
        psi.ArgumentList.Add(dir);
        // Remote bases are fetched with git: never let it prompt for credentials.
        psi.Environment["GIT_TERMINAL_PROMPT"] = "0";

        using var process = new Process { StartInfo = psi };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new BuildException(ConditionReasons.BuildFailed, $"kustomize build failed: cannot start {tool.Executable}: {e.Message}", e);
        }
        process.StandardInput.Close();

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var stdoutTask = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderrTask = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await process.WaitForExitAsync(cts.Token);
            var stdout = await stdoutTask;
            var stderr = await stderrTask;
            if (process.ExitCode != 0)
            {
                throw new BuildException(ConditionReasons.BuildFailed, "kustomize build failed: " + CleanError(stderr, dir, sourceRoot));
            }

            return stdout;
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // already exited
            }
            cancellationToken.ThrowIfCancellationRequested();
            throw new BuildException(ConditionReasons.BuildFailed, $"kustomize build failed: timed out after {timeout}");
        }
    }

    [GeneratedRegex("err=\"((?:[^\"\\\\]|\\\\.)*)\"", RegexOptions.CultureInvariant)]
    private static partial Regex KlogErr();

    /// <summary>Turns kubectl's klog line (<c>E... "command failed" err="..."</c>) or kustomize's <c>Error: ...</c> into the message.</summary>
    internal static string CleanError(string stderr, string dir, string? sourceRoot)
    {
        var text = stderr.Trim();
        var m = KlogErr().Match(text);
        if (m.Success)
        {
            text = Regex.Unescape(m.Groups[1].Value);
        }
        else if (text.StartsWith("Error: ", StringComparison.Ordinal))
        {
            text = text[7..];
        }
        // Drop kustomize's usage text if any.
        int usage = text.IndexOf("\nUsage:", StringComparison.Ordinal);
        if (usage >= 0)
        {
            text = text[..usage].Trim();
        }

        if (text.Length == 0)
        {
            text = "kustomize exited with an error and no message";
        }

        foreach (var prefix in new[] { sourceRoot, dir })
        {
            if (string.IsNullOrEmpty(prefix))
            {
                continue;
            }

            var p = Path.TrimEndingDirectorySeparator(Path.GetFullPath(prefix));
            text = text.Replace(p + Path.DirectorySeparatorChar, "", StringComparison.Ordinal).Replace(p, ".", StringComparison.Ordinal);
        }
        return text;
    }

    private static string? FindOnPath(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH");
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        foreach (var d in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(d, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }

            if (OperatingSystem.IsWindows() && File.Exists(candidate + ".exe"))
            {
                return candidate + ".exe";
            }
        }
        return null;
    }
}
