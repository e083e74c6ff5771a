namespace FluxSharp.Sources.Git;

/// <summary>Files to write under a path of a branch, committed as an author and pushed (what bootstrap does).</summary>
public sealed record GitPushRequest(string Url, string Branch)
{
    public GitAuth? Auth { get; init; }

    /// <summary>Files by their path relative to the repository root.</summary>
    public required IReadOnlyDictionary<string, string> Files { get; init; }

    public required string AuthorName { get; init; }

    public required string AuthorEmail { get; init; }

    public required string Message { get; init; }

    public TimeSpan? Timeout { get; init; }
}

/// <summary>The head of the branch after a push; Committed is false when the files were already there (no commit made).</summary>
public sealed record GitPushResult(string Commit, bool Committed);

public sealed partial class GitClient
{
    /// <summary>
    /// Clones the branch (or starts it when the repository or branch is empty), writes the files, and when anything
    /// changed commits them and pushes; the push is one ref update, so the remote has all of the commit or none of it.
    /// </summary>
    public async Task<GitPushResult> CommitAndPushAsync(GitPushRequest request, string workDir, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(workDir);
        var (url, auth) = Normalize(new GitCheckoutRequest(request.Url) { Auth = request.Auth });
        var timeout = request.Timeout ?? _options.Timeout;
        var deadline = DateTimeOffset.UtcNow + timeout;
        TimeSpan Left() => deadline - DateTimeOffset.UtcNow is var l && l > TimeSpan.Zero ? l : TimeSpan.FromMilliseconds(1);
        Directory.CreateDirectory(workDir);
        using var session = new GitAuthSession(url, auth, _options, timeout);
        await GitAsync(["init", "-q", "-b", request.Branch, workDir], null, session, Left(), "git init", ct);
        await GitAsync(["remote", "add", "origin", url], workDir, session, Left(), "git remote add", ct);
        var heads = await GitAsync(["ls-remote", "--heads", "origin", request.Branch], workDir, session, Left(), "git ls-remote", ct);
        if (heads.StdOut.Trim().Length > 0)
        {
            await GitAsync(["fetch", "-q", "origin", $"+refs/heads/{request.Branch}:refs/remotes/origin/{request.Branch}"], workDir, session, Left(), "git fetch", ct);
            await GitAsync(["checkout", "-q", "-B", request.Branch, $"refs/remotes/origin/{request.Branch}"], workDir, session, Left(), "git checkout", ct);
        }

        var root = Path.GetFullPath(workDir);
        foreach (var (path, content) in request.Files)
        {
            var full = Path.GetFullPath(Path.Combine(root, path));
            if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new GitOperationException(GitErrorKind.InvalidInput, $"path '{path}' is outside the repository");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, content, ct);
        }

        await GitAsync(["add", "-A", "--", .. request.Files.Keys], workDir, session, Left(), "git add", ct);
        var status = await GitAsync(["status", "--porcelain"], workDir, session, Left(), "git status", ct);
        if (status.StdOut.Trim().Length == 0)
        {
            var head = await GitAsync(["rev-parse", "HEAD"], workDir, session, Left(), "git rev-parse", ct);
            return new GitPushResult(head.StdOut.Trim(), Committed: false);
        }

        string[] identity =
        [
            "-c", $"user.name={request.AuthorName}", "-c", $"user.email={request.AuthorEmail}", "-c", "commit.gpgsign=false",
        ];
        await GitAsync([.. identity, "commit", "-q", "-m", request.Message], workDir, session, Left(), "git commit", ct);
        await GitAsync(["push", "-q", "origin", $"HEAD:refs/heads/{request.Branch}"], workDir, session, Left(), "git push", ct);
        var pushed = await GitAsync(["rev-parse", "HEAD"], workDir, session, Left(), "git rev-parse", ct);
        return new GitPushResult(pushed.StdOut.Trim(), Committed: true);
    }
}
