using System.Globalization;
using System.Text.RegularExpressions;
using Semver;

namespace FluxSharp.Sources.Git;

/// <summary>
/// Git operations for GitRepository sources, through the <c>git</c> CLI (file://, smart HTTP(S), SSH).
/// Credentials are passed through the environment and 0600 temp files, never argv; every message is sanitized.
/// </summary>
public sealed partial class GitClient
{
    private readonly GitClientOptions _options;

    public GitClient(GitClientOptions? options = null) => _options = options ?? new GitClientOptions();

    public GitClientOptions Options => _options;

    [GeneratedRegex("^[0-9a-f]{40}([0-9a-f]{24})?$", RegexOptions.CultureInvariant)]
    private static partial Regex FullSha();

    /// <summary>
    /// The revision Flux would record for the request, resolved with <c>git ls-remote</c> only (no clone):
    /// <c>&lt;branch&gt;@sha1:&lt;sha&gt;</c>, <c>&lt;tag&gt;@sha1:&lt;sha&gt;</c> (peeled), the highest tag in a semver range,
    /// <c>&lt;refs/...&gt;@sha1:&lt;sha&gt;</c> for a name, and <c>sha1:&lt;sha&gt;</c> for a bare commit (immutable, so no
    /// network call). Returns <c>null</c> when the revision can only be known by fetching.
    /// </summary>
    public async Task<string?> ResolveRemoteRevisionAsync(GitCheckoutRequest request, CancellationToken ct = default)
    {
        var (url, auth) = Normalize(request);
        var reference = request.Reference ?? GitReference.Default;
        ValidateReference(reference);
        if (reference.Kind == GitReferenceKind.Commit)
        {
            var commit = reference.Commit!.ToLowerInvariant();
            return string.IsNullOrEmpty(reference.Branch) ? FormatHash(commit) : $"{reference.Branch}@{FormatHash(commit)}";
        }

        var timeout = request.Timeout ?? _options.Timeout;
        using var session = new GitAuthSession(url, auth, _options, timeout);
        var (name, sha) = await ResolveRefAsync(url, reference, session, timeout, ct);
        _ = name;
        return $"{name}@{FormatHash(sha)}";
    }

    /// <summary>
    /// Fetches the reference into <paramref name="targetDir"/> (created; must be empty) and checks it out:
    /// a shallow (<c>--depth 1</c>) fetch for branches, tags, semver and names; a targeted fetch of the commit
    /// (falling back to the branch or all refs) for commits. Honours submodules and sparse checkout, and
    /// refuses checkouts larger than <see cref="GitClientOptions.MaxCheckoutBytes"/>.
    /// </summary>
    public async Task<GitCheckoutResult> CheckoutAsync(GitCheckoutRequest request, string targetDir, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(targetDir);
        var (url, auth) = Normalize(request);
        var reference = request.Reference ?? GitReference.Default;
        ValidateReference(reference);
        var sparse = NormalizeSparse(request.SparseCheckout);
        var timeout = request.Timeout ?? _options.Timeout;
        // One deadline for the whole checkout; each step gets what is left.
        var deadline = DateTimeOffset.UtcNow + timeout;
        TimeSpan Left() => deadline - DateTimeOffset.UtcNow is var l && l > TimeSpan.Zero ? l : TimeSpan.FromMilliseconds(1);

        if (Directory.Exists(targetDir) && Directory.EnumerateFileSystemEntries(targetDir).Any())
        {
            throw new GitOperationException(GitErrorKind.InvalidInput, $"checkout directory '{targetDir}' is not empty");
        }

        Directory.CreateDirectory(targetDir);

        using var session = new GitAuthSession(url, auth, _options, timeout);
        await GitAsync(["init", "-q", targetDir], null, session, Left(), "git init", ct);
        await GitAsync(["remote", "add", "origin", url], targetDir, session, Left(), "git remote add", ct);
        if (sparse.Count > 0)
        {
            await GitAsync(["sparse-checkout", "set", "--cone", "--", .. sparse], targetDir, session, Left(), "git sparse-checkout", ct);
        }

        string? refName;
        string checkoutTarget;
        switch (reference.Kind)
        {
            case GitReferenceKind.Branch:
            {
                refName = reference.EffectiveBranch;
                await FetchAsync(targetDir, session, Left(), ["--depth", "1", "origin", $"+refs/heads/{refName}:refs/remotes/origin/{refName}"],
                    $"branch '{refName}'", url, ct);
                checkoutTarget = $"refs/remotes/origin/{refName}";
                break;
            }
            case GitReferenceKind.Tag:
            {
                refName = reference.Tag!;
                await FetchAsync(targetDir, session, Left(), ["--depth", "1", "origin", $"+refs/tags/{refName}:refs/tags/{refName}"],
                    $"tag '{refName}'", url, ct);
                checkoutTarget = $"refs/tags/{refName}^{{commit}}";
                break;
            }
            case GitReferenceKind.SemVer:
            {
                var (tag, _) = await ResolveRefAsync(url, reference, session, Left(), ct);
                refName = tag;
                await FetchAsync(targetDir, session, Left(), ["--depth", "1", "origin", $"+refs/tags/{tag}:refs/tags/{tag}"],
                    $"tag '{tag}'", url, ct);
                checkoutTarget = $"refs/tags/{tag}^{{commit}}";
                break;
            }
            case GitReferenceKind.Name:
            {
                refName = reference.Name!;
                await FetchAsync(targetDir, session, Left(), ["--depth", "1", "origin", $"+{refName}:refs/fluxsharp/checkout"],
                    $"reference '{refName}'", url, ct);
                checkoutTarget = "refs/fluxsharp/checkout^{commit}";
                break;
            }
            default:
            {
                var commit = reference.Commit!.ToLowerInvariant();
                refName = string.IsNullOrEmpty(reference.Branch) ? null : reference.Branch;
                checkoutTarget = commit;
                if (refName is not null)
                {
                    await FetchAsync(targetDir, session, Left(), ["origin", $"+refs/heads/{refName}:refs/remotes/origin/{refName}"],
                        $"branch '{refName}'", url, ct);
                }
                else
                {
                    // Servers speaking protocol v2 (and most hosted ones) serve a reachable commit directly.
                    var direct = await TryGitAsync(["fetch", "-q", "--no-tags", "--depth", "1", "origin", commit], targetDir, session, Left(), ct);
                    if (direct.ExitCode != 0)
                    {
                        ThrowIfTransportError(direct, "git fetch", url);
                        await FetchAsync(targetDir, session, Left(), ["origin", "+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"],
                            "all branches and tags", url, ct);
                    }
                }
                var exists = await TryGitAsync(["cat-file", "-e", commit + "^{commit}"], targetDir, session, Left(), ct);
                if (exists.ExitCode != 0)
                {
                    throw new GitOperationException(GitErrorKind.NotFound, refName is null
                        ? $"commit '{commit}' not found in repository '{GitSanitizer.RedactUrl(url)}': check spec.ref.commit"
                        : $"commit '{commit}' not found on branch '{refName}' of '{GitSanitizer.RedactUrl(url)}': check spec.ref.commit and spec.ref.branch");
                }
                break;
            }
        }

        await GitAsync(["checkout", "-q", "--detach", checkoutTarget], targetDir, session, Left(), "git checkout", ct);

        if (request.RecurseSubmodules)
        {
            var sub = await TryGitAsync(["submodule", "update", "--init", "--recursive", "--depth", "1"], targetDir, session, Left(), ct);
            if (sub.ExitCode != 0)
            {
                ThrowIfTransportError(sub, "git submodule update", url);
                await GitAsync(["submodule", "update", "--init", "--recursive"], targetDir, session, Left(), "git submodule update", ct);
            }
        }

        var log = await GitAsync(["log", "-1", "--format=%H%x00%an <%ae>%x00%cI%x00%B"], targetDir, session, Left(), "git log", ct);
        var parts = log.StdOut.Split('\0');
        var sha = parts[0].Trim();
        string author = parts.Length > 1 ? parts[1] : string.Empty;
        DateTimeOffset? time = parts.Length > 2 && DateTimeOffset.TryParse(parts[2], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t : null;
        string message = parts.Length > 3 ? parts[3].Trim() : string.Empty;

        long size = DirectorySize(targetDir, skipGit: true);
        long total = size + DirectorySize(Path.Combine(targetDir, ".git"), skipGit: false);
        if (_options.MaxCheckoutBytes > 0 && total > _options.MaxCheckoutBytes)
        {
            throw new GitOperationException(GitErrorKind.SizeLimitExceeded,
                $"repository checkout of {reference} is {FormatBytes(total)}, over the limit of {FormatBytes(_options.MaxCheckoutBytes)}: " +
                "use spec.sparseCheckout to fetch fewer directories, or raise the limit");
        }

        string revision = refName is null ? FormatHash(sha) : $"{refName}@{FormatHash(sha)}";
        return new GitCheckoutResult(revision, sha, refName, message, author, time, size);
    }

    private async Task<(string Name, string Sha)> ResolveRefAsync(string url, GitReference reference, GitAuthSession session, TimeSpan timeout, CancellationToken ct)
    {
        string safeUrl = GitSanitizer.RedactUrl(url);
        switch (reference.Kind)
        {
            case GitReferenceKind.Branch:
            {
                var branch = reference.EffectiveBranch;
                var refs = await LsRemoteAsync(url, [$"refs/heads/{branch}"], session, timeout, ct);
                if (!refs.TryGetValue($"refs/heads/{branch}", out var sha))
                    {
                        throw new GitOperationException(GitErrorKind.NotFound, $"branch '{branch}' not found in repository '{safeUrl}': check spec.ref.branch");
                    }

                    return (branch, sha);
            }
            case GitReferenceKind.Tag:
            {
                var tag = reference.Tag!;
                var refs = await LsRemoteAsync(url, ["--tags", $"refs/tags/{tag}", $"refs/tags/{tag}^{{}}"], session, timeout, ct);
                var sha = Peeled(refs, $"refs/tags/{tag}")
                    ?? throw new GitOperationException(GitErrorKind.NotFound, $"tag '{tag}' not found in repository '{safeUrl}': check spec.ref.tag");
                return (tag, sha);
            }
            case GitReferenceKind.Name:
            {
                var name = reference.Name!;
                var refs = await LsRemoteAsync(url, [name, name + "^{}"], session, timeout, ct);
                var sha = Peeled(refs, name)
                    ?? throw new GitOperationException(GitErrorKind.NotFound, $"reference '{name}' not found in repository '{safeUrl}': check spec.ref.name (a full reference such as refs/heads/main)");
                return (name, sha);
            }
            case GitReferenceKind.SemVer:
            {
                var range = ParseRange(reference.SemVer!);
                var refs = await LsRemoteAsync(url, ["--tags"], session, timeout, ct);
                SemVersion? best = null;
                string? bestTag = null;
                foreach (var key in refs.Keys)
                {
                    if (!key.StartsWith("refs/tags/", StringComparison.Ordinal) || key.EndsWith("^{}", StringComparison.Ordinal))
                        {
                            continue;
                        }

                        var tag = key["refs/tags/".Length..];
                    if (!TryParseTagVersion(tag, out var v) || !range.Contains(v))
                        {
                            continue;
                        }

                        if (best is null || v.ComparePrecedenceTo(best) > 0 || (v.ComparePrecedenceTo(best) == 0 && string.CompareOrdinal(tag, bestTag) > 0))
                    {
                        best = v;
                        bestTag = tag;
                    }
                }
                if (bestTag is null)
                    {
                        throw new GitOperationException(GitErrorKind.NoMatchingTag,
                        $"no tag in repository '{safeUrl}' matches semver range '{reference.SemVer}': check spec.ref.semver");
                    }

                    return (bestTag, Peeled(refs, $"refs/tags/{bestTag}")!);
            }
            default:
                throw new InvalidOperationException("commit references are not resolved remotely");
        }
    }

    private static string? Peeled(IReadOnlyDictionary<string, string> refs, string name) =>
        refs.TryGetValue(name + "^{}", out var peeled) ? peeled : refs.TryGetValue(name, out var sha) ? sha : null;

    [GeneratedRegex(@"\d-[0-9A-Za-z]", RegexOptions.CultureInvariant)]
    private static partial Regex PrereleaseInRange();

    /// <summary>
    /// Parses a Flux (Masterminds semver v3) constraint with npm range syntax: commas mean AND like spaces;
    /// pre-release tags are considered only when the range itself names a pre-release (as Masterminds).
    /// </summary>
    internal static SemVersionRange ParseRange(string range)
    {
        var text = range.Replace(",", " ", StringComparison.Ordinal).Trim();
        bool prerelease = PrereleaseInRange().IsMatch(text);
        if (text.Length == 0 || !SemVersionRange.TryParseNpm(text, includeAllPrerelease: prerelease, out var parsed))
        {
            throw new GitOperationException(GitErrorKind.InvalidSemVer,
                $"invalid semver range '{range}' in spec.ref.semver: use a range such as '>=1.0.0 <2.0.0', '^1.2', '~1.2.3' or '1.x'");
        }

        return parsed;
    }

    internal static bool TryParseTagVersion(string tag, out SemVersion version) =>
        SemVersion.TryParse(tag, SemVersionStyles.AllowV | SemVersionStyles.OptionalMinorPatch, out version!);

    private async Task<Dictionary<string, string>> LsRemoteAsync(string url, IReadOnlyList<string> patterns, GitAuthSession session, TimeSpan timeout, CancellationToken ct)
    {
        var args = new List<string> { "ls-remote" };
        var options = patterns.Where(p => p.StartsWith("--", StringComparison.Ordinal)).ToList();
        args.AddRange(options);
        args.Add(url);
        args.AddRange(patterns.Where(p => !p.StartsWith("--", StringComparison.Ordinal)));
        var result = await TryGitAsync(args, null, session, timeout, ct);
        if (result.ExitCode != 0)
        {
            ThrowIfTransportError(result, "git ls-remote", url);
            throw Failure(result, "git ls-remote", url);
        }
        var refs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab <= 0)
            {
                continue;
            }

            refs[line[(tab + 1)..].Trim()] = line[..tab].Trim();
        }
        return refs;
    }

    private async Task FetchAsync(string dir, GitAuthSession session, TimeSpan timeout, IReadOnlyList<string> args, string what, string url, CancellationToken ct)
    {
        var result = await TryGitAsync(["fetch", "-q", "--no-tags", .. args], dir, session, timeout, ct);
        if (result.ExitCode == 0)
        {
            return;
        }

        ThrowIfTransportError(result, "git fetch", url);
        var kind = GitErrorClassifier.Classify(result.StdErr);
        if (kind == GitErrorKind.NotFound)
        {
            throw new GitOperationException(GitErrorKind.NotFound,
                $"{what} not found in repository '{GitSanitizer.RedactUrl(url)}': check spec.ref ({Trim(result.StdErr)})");
        }

        throw Failure(result, "git fetch", url);
    }

    /// <summary>Throws for failures that are about the connection, not the reference (auth, host key, TLS, unreachable, not a repo).</summary>
    private static void ThrowIfTransportError(GitRunResult result, string operation, string url)
    {
        var kind = GitErrorClassifier.Classify(result.StdErr);
        if (kind is GitErrorKind.AuthenticationFailed or GitErrorKind.HostKeyVerificationFailed or GitErrorKind.TlsVerificationFailed
            or GitErrorKind.Unreachable or GitErrorKind.NotAGitRepository)
        {
            throw Failure(result, operation, url);
        }
        // A missing repository (as opposed to a missing ref) reads "repository ... not found".
        if (kind == GitErrorKind.NotFound && result.StdErr.Contains("repository", StringComparison.OrdinalIgnoreCase)
            && !result.StdErr.Contains("remote ref", StringComparison.OrdinalIgnoreCase))
        {
            throw Failure(result, operation, url);
        }
    }

    private static GitOperationException Failure(GitRunResult result, string operation, string url)
    {
        var kind = GitErrorClassifier.Classify(result.StdErr);
        return new GitOperationException(kind,
            $"{operation} '{GitSanitizer.RedactUrl(url)}' failed ({kind}): {Trim(result.StdErr)}; {GitErrorClassifier.Hint(kind)}");
    }

    private static string Trim(string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("hint:", StringComparison.Ordinal) && !l.StartsWith("Warning: Permanently added", StringComparison.Ordinal));
        var s = string.Join(" ", lines);
        return s.Length > 600 ? s[..600] + "..." : s;
    }

    private async Task<GitRunResult> GitAsync(IReadOnlyList<string> args, string? dir, GitAuthSession session, TimeSpan timeout, string operation, CancellationToken ct)
    {
        var result = await TryGitAsync(args, dir, session, timeout, ct);
        if (result.ExitCode != 0)
        {
            var kind = GitErrorClassifier.Classify(result.StdErr);
            throw new GitOperationException(kind == GitErrorKind.NotFound ? GitErrorKind.Other : kind,
                $"{operation} failed: {Trim(result.StdErr)}");
        }
        return result;
    }

    private Task<GitRunResult> TryGitAsync(IReadOnlyList<string> args, string? dir, GitAuthSession session, TimeSpan timeout, CancellationToken ct)
    {
        var secrets = session.Secrets;
        return GitProcess.RunAsync(_options.GitPath, dir is null ? args : ["-C", dir, .. args], null, session.Environment, timeout,
            "git " + args[0], s => GitSanitizer.Sanitize(s, secrets), ct);
    }

    private static (string Url, GitAuth? Auth) Normalize(GitCheckoutRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var url = request.Url?.Trim() ?? string.Empty;
        if (url.Length == 0)
        {
            throw new GitOperationException(GitErrorKind.InvalidInput, "spec.url is empty");
        }

        if (url.StartsWith('-'))
        {
            throw new GitOperationException(GitErrorKind.InvalidInput, $"invalid git URL '{GitSanitizer.RedactUrl(url)}'");
        }

        var transport = GitAuth.TransportOf(url);
        var auth = request.Auth;
        // Credentials embedded in an HTTP(S) URL become basic auth, so they never reach argv.
        if (transport is GitTransport.Http or GitTransport.Https && Uri.TryCreate(url, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.UserInfo))
        {
            var info = uri.UserInfo.Split(':', 2);
            if (auth is null || (auth.Username is null && auth.BearerToken is null))
            {
                auth = new GitAuth
                {
                    Transport = transport,
                    Username = Uri.UnescapeDataString(info[0]),
                    Password = info.Length > 1 ? Uri.UnescapeDataString(info[1]) : null,
                    CaCert = auth?.CaCert,
                };
            }
            url = new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty }.Uri.AbsoluteUri;
        }
        if (auth is not null && auth.Transport != transport && !(auth.Transport is GitTransport.Http or GitTransport.Https && transport is GitTransport.Http or GitTransport.Https))
        {
            auth = null;
        }

        if (transport == GitTransport.Ssh && (auth?.Identity is null || auth.KnownHosts is null))
        {
            throw new GitOperationException(GitErrorKind.InvalidAuth,
                $"SSH URL '{GitSanitizer.RedactUrl(url)}' needs spec.secretRef with 'identity' and 'known_hosts'");
        }

        return (url, auth);
    }

    private static void ValidateReference(GitReference reference)
    {
        if (reference.Kind == GitReferenceKind.Commit && !FullSha().IsMatch(reference.Commit!.ToLowerInvariant()))
        {
            throw new GitOperationException(GitErrorKind.InvalidInput,
                $"spec.ref.commit '{reference.Commit}' is not a full commit SHA (40 hexadecimal characters)");
        }

        if (reference.Kind == GitReferenceKind.SemVer)
        {
            ParseRange(reference.SemVer!);
        }

        foreach (var value in new[] { reference.Branch, reference.Tag, reference.Name })
        {
            if (value is not null && (value.StartsWith('-') || value.Contains("..", StringComparison.Ordinal) || value.Any(c => char.IsControl(c) || c is ' ' or '~' or '^' or ':' or '?' or '*' or '[' or '\\')))
            {
                throw new GitOperationException(GitErrorKind.InvalidInput, $"'{value}' in spec.ref is not a valid git reference name");
            }
        }
    }

    private static List<string> NormalizeSparse(IReadOnlyList<string>? dirs)
    {
        var result = new List<string>();
        if (dirs is null)
        {
            return result;
        }

        foreach (var d in dirs)
        {
            var p = d.Replace('\\', '/').Trim().Trim('/');
            if (p.StartsWith("./", StringComparison.Ordinal))
            {
                p = p[2..];
            }

            if (p.Length == 0 || p == ".")
            {
                return []; // the root means everything
            }

            if (p.Split('/').Any(s => s is ".." or "") || p.StartsWith('-'))
            {
                throw new GitOperationException(GitErrorKind.InvalidInput, $"spec.sparseCheckout entry '{d}' must be a directory inside the repository");
            }

            result.Add(p);
        }
        return result;
    }

    internal static string FormatHash(string sha) => (sha.Length == 64 ? "sha256:" : "sha1:") + sha;

    private static long DirectorySize(string dir, bool skipGit)
    {
        if (!Directory.Exists(dir))
        {
            return 0;
        }

        long total = 0;
        var stack = new Stack<string>();
        stack.Push(dir);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            foreach (var entry in new DirectoryInfo(current).EnumerateFileSystemInfos())
            {
                if (entry.LinkTarget is not null)
                {
                    continue;
                }

                if (entry is DirectoryInfo sub)
                {
                    if (skipGit && current == dir && sub.Name == ".git")
                    {
                        continue;
                    }

                    stack.Push(sub.FullName);
                }
                else if (entry is FileInfo f)
                {
                    total += f.Length;
                }
            }
        }
        return total;
    }

    private static string FormatBytes(long bytes) =>
        bytes >= 1 << 20 ? $"{bytes / (1024.0 * 1024.0):0.#} MiB" : bytes >= 1024 ? $"{bytes / 1024.0:0.#} KiB" : $"{bytes} B";
}
