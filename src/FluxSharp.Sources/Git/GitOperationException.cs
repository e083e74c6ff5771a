namespace FluxSharp.Sources.Git;

/// <summary>What went wrong in a git operation, in the terms Flux reports (condition reasons).</summary>
public enum GitErrorKind
{
    /// <summary>Anything not classified below.</summary>
    Other,
    /// <summary>The secret is incomplete or inconsistent (missing <c>identity</c>, bearer token with username...).</summary>
    InvalidAuth,
    /// <summary>The spec is invalid (bad URL, bad commit SHA, sparse path escaping the repository).</summary>
    InvalidInput,
    /// <summary>The server refused the credentials (or asked for credentials that were not given).</summary>
    AuthenticationFailed,
    /// <summary>The SSH host key did not match <c>known_hosts</c>.</summary>
    HostKeyVerificationFailed,
    /// <summary>The repository, branch, tag, reference or commit does not exist.</summary>
    NotFound,
    /// <summary>The host could not be resolved or did not accept the connection.</summary>
    Unreachable,
    /// <summary>The URL answers but is not a git repository.</summary>
    NotAGitRepository,
    /// <summary><c>spec.ref.semver</c> is not a valid range.</summary>
    InvalidSemVer,
    /// <summary>No tag matches <c>spec.ref.semver</c>.</summary>
    NoMatchingTag,
    /// <summary>The TLS certificate of the server could not be verified.</summary>
    TlsVerificationFailed,
    /// <summary>The checkout is larger than the configured limit.</summary>
    SizeLimitExceeded,
    /// <summary>The operation ran past its timeout and was killed.</summary>
    Timeout,
}

/// <summary>
/// A failed git operation. The message is safe to put in conditions and events: credentials are
/// never part of it (stderr is sanitized before it is quoted).
/// </summary>
public sealed class GitOperationException : Exception
{
    public GitOperationException(GitErrorKind kind, string message) : base(message) => Kind = kind;

    public GitOperationException(GitErrorKind kind, string message, Exception inner) : base(message, inner) => Kind = kind;

    public GitOperationException() : this(GitErrorKind.Other, "git operation failed") { }

    public GitOperationException(string message) : this(GitErrorKind.Other, message) { }

    public GitOperationException(string message, Exception inner) : this(GitErrorKind.Other, message, inner) { }

    public GitErrorKind Kind { get; }
}
