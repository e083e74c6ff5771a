namespace FluxSharp.Sources.Oci;

/// <summary>What went wrong talking to a registry, in the terms a condition reports.</summary>
public enum OciErrorKind
{
    /// <summary>Anything not classified below (a 5xx, an unexpected answer).</summary>
    Other,
    /// <summary>The URL, reference, secret or option is invalid.</summary>
    InvalidInput,
    /// <summary>The registry refused the credentials, or asked for credentials that were not given.</summary>
    AuthenticationFailed,
    /// <summary>The repository, tag, manifest or blob does not exist.</summary>
    NotFound,
    /// <summary>The registry could not be reached (DNS, refused connection, TLS handshake).</summary>
    Unreachable,
    /// <summary>Downloaded bytes did not hash to the digest they were asked for.</summary>
    DigestMismatch,
    /// <summary>A manifest, blob or layer is larger than the limit.</summary>
    SizeLimitExceeded,
    /// <summary>A manifest or layer has a media type that cannot be used here.</summary>
    UnsupportedMediaType,
    /// <summary>The operation ran past its timeout.</summary>
    Timeout,
}

/// <summary>
/// A failed registry operation. The message names the registry reference and never carries credentials
/// (references never hold user-info; tokens and passwords are never quoted).
/// </summary>
public sealed class OciException : Exception
{
    public OciException(OciErrorKind kind, string message) : base(message) => Kind = kind;

    public OciException(OciErrorKind kind, string message, Exception inner) : base(message, inner) => Kind = kind;

    public OciException() : this(OciErrorKind.Other, "registry operation failed") { }

    public OciException(string message) : this(OciErrorKind.Other, message) { }

    public OciException(string message, Exception inner) : this(OciErrorKind.Other, message, inner) { }

    public OciErrorKind Kind { get; }
}
