namespace FluxSharp.Sources.Git;

/// <summary>What to fetch: the GitRepository spec fields the git client needs.</summary>
public sealed record GitCheckoutRequest(string Url)
{
    public GitReference Reference { get; init; } = GitReference.Default;

    /// <summary>Credentials from <c>spec.secretRef</c>; <c>null</c> for anonymous access.</summary>
    public GitAuth? Auth { get; init; }

    /// <summary><c>spec.recurseSubmodules</c>: the same credentials are used for submodules.</summary>
    public bool RecurseSubmodules { get; init; }

    /// <summary><c>spec.sparseCheckout</c>: directories (relative to the repository root) to check out; empty = all.</summary>
    public IReadOnlyList<string>? SparseCheckout { get; init; }

    /// <summary><c>spec.timeout</c>; the client's default when <c>null</c>.</summary>
    public TimeSpan? Timeout { get; init; }
}

/// <summary>The outcome of a checkout.</summary>
/// <param name="Revision">Flux's revision string, e.g. <c>main@sha1:&lt;sha&gt;</c>.</param>
/// <param name="CommitSha">The checked-out commit.</param>
/// <param name="ReferenceName">The branch, tag or reference name, or <c>null</c> for a bare commit.</param>
/// <param name="Message">The commit message (trimmed).</param>
/// <param name="Author">Author as <c>Name &lt;email&gt;</c>.</param>
/// <param name="CommitTime">Committer date.</param>
/// <param name="SizeBytes">Size of the checked-out files (without <c>.git</c>).</param>
public sealed record GitCheckoutResult(
    string Revision,
    string CommitSha,
    string? ReferenceName,
    string Message,
    string Author,
    DateTimeOffset? CommitTime,
    long SizeBytes);

/// <summary>Settings of a <see cref="GitClient"/>.</summary>
public sealed record GitClientOptions
{
    /// <summary>The git executable (PATH lookup when not absolute).</summary>
    public string GitPath { get; init; } = "git";

    /// <summary>The ssh executable used for SSH transports.</summary>
    public string SshPath { get; init; } = "ssh";

    /// <summary>Default timeout of one operation (Flux's <c>spec.timeout</c> default is 60s).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Largest checkout accepted (working tree plus fetched objects), in bytes; &lt;= 0 disables the check.</summary>
    public long MaxCheckoutBytes { get; init; } = 1L << 30;

    /// <summary>Where temporary credential files go (0600, deleted after each operation).</summary>
    public string? TempDirectory { get; init; }
}
