using System.Diagnostics;

namespace FluxSharp.Testing.Git;

/// <summary>
/// A bare repository under a project root plus a work tree to make commits, tags and branches with
/// the git CLI and push them. The bare repository is what servers expose.
/// </summary>
public sealed class GitRepositoryBuilder
{
    private GitRepositoryBuilder(string projectRoot, string name, string workPath)
    {
        ProjectRoot = projectRoot;
        Name = name;
        BarePath = Path.Combine(projectRoot, name);
        WorkPath = workPath;
    }

    public string ProjectRoot { get; }

    /// <summary>Repository name relative to the project root, e.g. <c>app.git</c>.</summary>
    public string Name { get; }

    public string BarePath { get; }

    public string WorkPath { get; }

    /// <summary><c>file:///...</c> URL of the bare repository.</summary>
    public string FileUrl => new Uri(BarePath).AbsoluteUri;

    public string CurrentBranch { get; private set; } = "master";

    /// <summary>Creates <c>&lt;projectRoot&gt;/&lt;name&gt;</c> (bare, default branch <paramref name="defaultBranch"/>) and a work tree.</summary>
    public static async Task<GitRepositoryBuilder> CreateAsync(string projectRoot, string name, string defaultBranch = "master", CancellationToken ct = default)
    {
        if (!name.EndsWith(".git", StringComparison.Ordinal))
        {
            name += ".git";
        }

        Directory.CreateDirectory(projectRoot);
        var work = Path.Combine(projectRoot, ".work", name[..^4] + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        var b = new GitRepositoryBuilder(projectRoot, name, work) { CurrentBranch = defaultBranch };
        await RunAsync(projectRoot, ct, "init", "-q", "--bare", "-b", defaultBranch, name);
        await RunAsync(work, ct, "init", "-q", "-b", defaultBranch);
        await RunAsync(work, ct, "remote", "add", "origin", b.BarePath);
        return b;
    }

    public GitRepositoryBuilder WriteFile(string relativePath, string content)
    {
        var full = Path.Combine(WorkPath, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return this;
    }

    public GitRepositoryBuilder WriteBytes(string relativePath, byte[] content)
    {
        var full = Path.Combine(WorkPath, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, content);
        return this;
    }

    public GitRepositoryBuilder DeleteFile(string relativePath)
    {
        File.Delete(Path.Combine(WorkPath, relativePath));
        return this;
    }

    /// <summary>Commits everything in the work tree; returns the commit SHA.</summary>
    public async Task<string> CommitAsync(string message, CancellationToken ct = default)
    {
        await RunAsync(WorkPath, ct, "add", "-A");
        await RunAsync(WorkPath, ct, "commit", "-q", "--allow-empty", "-m", message);
        return await HeadAsync(ct);
    }

    /// <summary>Writes the files, commits and pushes the current branch; returns the commit SHA.</summary>
    public async Task<string> CommitAndPushAsync(string message, IReadOnlyDictionary<string, string>? files = null, CancellationToken ct = default)
    {
        if (files is not null)
        {
            foreach (var (path, content) in files)
            {
                WriteFile(path, content);
            }
        }
        var sha = await CommitAsync(message, ct);
        await PushAsync(ct);
        return sha;
    }

    public async Task<string> HeadAsync(CancellationToken ct = default) => (await RunAsync(WorkPath, ct, "rev-parse", "HEAD")).Trim();

    /// <summary>Tags HEAD (annotated when <paramref name="message"/> is given).</summary>
    public async Task TagAsync(string tag, string? message = null, CancellationToken ct = default)
    {
        if (message is null)
        {
            await RunAsync(WorkPath, ct, "tag", tag);
        }
        else
        {
            await RunAsync(WorkPath, ct, "tag", "-a", tag, "-m", message);
        }
    }

    /// <summary>Creates (if needed) and switches to <paramref name="branch"/>.</summary>
    public async Task SwitchBranchAsync(string branch, CancellationToken ct = default)
    {
        var exists = await TryRunAsync(WorkPath, ct, "rev-parse", "--verify", "-q", "refs/heads/" + branch);
        if (exists.ExitCode == 0)
        {
            await RunAsync(WorkPath, ct, "checkout", "-q", branch);
        }
        else
        {
            await RunAsync(WorkPath, ct, "checkout", "-q", "-b", branch);
        }

        CurrentBranch = branch;
    }

    /// <summary>Pushes all branches and tags (forced).</summary>
    public async Task PushAsync(CancellationToken ct = default)
    {
        await RunAsync(WorkPath, ct, "push", "-q", "--force", "origin", "--all");
        await RunAsync(WorkPath, ct, "push", "-q", "--force", "origin", "--tags");
    }

    /// <summary>Pushes an arbitrary ref (e.g. <c>HEAD:refs/pull/1/head</c>).</summary>
    public Task PushRefAsync(string refspec, CancellationToken ct = default) => RunAsync(WorkPath, ct, "push", "-q", "--force", "origin", refspec);

    public Task<string> GitAsync(CancellationToken ct, params string[] args) => RunAsync(WorkPath, ct, args);

    public static async Task<string> RunAsync(string cwd, CancellationToken ct, params string[] args)
    {
        var r = await TryRunAsync(cwd, ct, args);
        if (r.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', args)} failed in {cwd}: {r.StdErr}");
        }

        return r.StdOut;
    }

    public static async Task<(int ExitCode, string StdOut, string StdErr)> TryRunAsync(string cwd, CancellationToken ct, params string[] args)
    {
        var psi = new ProcessStartInfo("git")
        {
            WorkingDirectory = cwd,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("user.name=FluxSharp Test");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("user.email=test@fluxsharp.local");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("protocol.file.allow=always");
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        psi.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        psi.Environment["GIT_TERMINAL_PROMPT"] = "0";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw;
        }
        return (p.ExitCode, await stdout, await stderr);
    }
}
