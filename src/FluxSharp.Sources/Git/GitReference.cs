namespace FluxSharp.Sources.Git;

/// <summary>Which kind of reference a <see cref="GitReference"/> resolves to, after Flux's precedence.</summary>
public enum GitReferenceKind
{
    Branch,
    Tag,
    SemVer,
    Name,
    Commit,
}

/// <summary>
/// <c>spec.ref</c> of a GitRepository. Precedence (as Flux): commit &gt; name &gt; semver &gt; tag &gt; branch.
/// With no field set, the branch <see cref="DefaultBranch"/> ("master", Flux's default) is used.
/// A commit may be combined with a branch: the branch is fetched and the revision is
/// <c>&lt;branch&gt;@sha1:&lt;commit&gt;</c>.
/// </summary>
public sealed record GitReference(
    string? Branch = null,
    string? Tag = null,
    string? SemVer = null,
    string? Name = null,
    string? Commit = null)
{
    /// <summary>Flux's default branch when <c>spec.ref</c> is empty.</summary>
    public const string DefaultBranch = "master";

    public static GitReference Default { get; } = new();

    public GitReferenceKind Kind =>
        !string.IsNullOrEmpty(Commit) ? GitReferenceKind.Commit
        : !string.IsNullOrEmpty(Name) ? GitReferenceKind.Name
        : !string.IsNullOrEmpty(SemVer) ? GitReferenceKind.SemVer
        : !string.IsNullOrEmpty(Tag) ? GitReferenceKind.Tag
        : GitReferenceKind.Branch;

    /// <summary>The branch that is fetched for a branch reference (or a commit pinned on a branch).</summary>
    public string EffectiveBranch => string.IsNullOrEmpty(Branch) ? DefaultBranch : Branch;

    public override string ToString() => Kind switch
    {
        GitReferenceKind.Commit => string.IsNullOrEmpty(Branch) ? $"commit '{Commit}'" : $"commit '{Commit}' on branch '{Branch}'",
        GitReferenceKind.Name => $"reference '{Name}'",
        GitReferenceKind.SemVer => $"semver range '{SemVer}'",
        GitReferenceKind.Tag => $"tag '{Tag}'",
        _ => $"branch '{EffectiveBranch}'",
    };
}
