using System.Text.RegularExpressions;

namespace FluxSharp.Sources.Oci;

/// <summary>
/// A registry reference: <c>[oci://]host[:port]/repository[:tag][@sha256:hex]</c>. Docker Hub's short forms
/// (<c>docker.io/nginx</c>) are normalised as docker does. User-info is refused: credentials never live in a URL.
/// </summary>
public sealed partial record OciReference(string Registry, string Repository, string? Tag = null, string? Digest = null)
{
    public const string Scheme = "oci://";

    /// <summary>The host[:port] requests go to (Docker Hub's API host for docker.io).</summary>
    public string ApiHost => Registry == "docker.io" ? "registry-1.docker.io" : Registry;

    /// <summary>The repository without tag or digest: <c>host/repository</c>.</summary>
    public string RepositoryUrl => $"{Registry}/{Repository}";

    /// <summary>The reference a manifest request names: the digest when pinned, else the tag, else <c>latest</c>.</summary>
    public string Identifier => Digest ?? Tag ?? "latest";

    public OciReference WithTag(string tag) => this with { Tag = tag, Digest = null };

    public OciReference WithDigest(string digest) => this with { Digest = digest };

    /// <summary><c>host/repo:tag</c>, <c>host/repo@digest</c> or <c>host/repo:tag@digest</c>.</summary>
    public override string ToString() =>
        RepositoryUrl + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);

    /// <summary>Parses a reference, with or without the <c>oci://</c> scheme.</summary>
    public static OciReference Parse(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var s = url.Trim();
        if (s.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            s = s[Scheme.Length..];
        }
        else if (s.Contains("://", StringComparison.Ordinal))
        {
            throw Invalid(url, "the URL must start with oci://");
        }

        string? digest = null;
        var at = s.IndexOf('@', StringComparison.Ordinal);
        var slash = s.IndexOf('/', StringComparison.Ordinal);
        if (at >= 0 && (slash < 0 || at < slash))
        {
            throw new OciException(OciErrorKind.InvalidInput, "invalid OCI URL: credentials are not allowed in the URL; use a secret");
        }

        if (at >= 0)
        {
            digest = s[(at + 1)..];
            s = s[..at];
            if (!DigestPattern().IsMatch(digest))
            {
                throw Invalid(url, $"invalid digest '{digest}'");
            }
        }

        string? tag = null;
        var lastSlash = s.LastIndexOf('/');
        var colon = s.LastIndexOf(':');
        if (colon > lastSlash && lastSlash >= 0)
        {
            tag = s[(colon + 1)..];
            s = s[..colon];
            if (!TagPattern().IsMatch(tag))
            {
                throw Invalid(url, $"invalid tag '{tag}'");
            }
        }

        if (lastSlash < 0)
        {
            throw Invalid(url, "expected <host>/<repository>");
        }

        var registry = s[..s.IndexOf('/', StringComparison.Ordinal)];
        var repository = s[(registry.Length + 1)..];
        if (registry is "index.docker.io" or "registry-1.docker.io")
        {
            registry = "docker.io";
        }

        if (registry == "docker.io" && !repository.Contains('/', StringComparison.Ordinal))
        {
            repository = "library/" + repository;
        }

        if (registry.Length == 0 || !RepositoryPattern().IsMatch(repository))
        {
            throw Invalid(url, $"invalid repository '{repository}'");
        }

        return new OciReference(registry, repository, tag, digest);
    }

    /// <summary>Whether <paramref name="tag"/> is a valid OCI tag.</summary>
    public static bool IsValidTag(string tag) => TagPattern().IsMatch(tag);

    private static OciException Invalid(string url, string why) =>
        new(OciErrorKind.InvalidInput, $"invalid OCI URL '{Redact(url)}': {why}");

    /// <summary>The URL with anything before an '@' in the host part replaced, for messages.</summary>
    public static string Redact(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var start = url.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? Scheme.Length : 0;
        var slash = url.IndexOf('/', start);
        var at = url.IndexOf('@', start);
        return at >= 0 && (slash < 0 || at < slash) ? url[..start] + "***" + url[at..] : url;
    }

    [GeneratedRegex("^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*$")]
    private static partial Regex RepositoryPattern();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex TagPattern();

    [GeneratedRegex("^sha256:[a-f0-9]{64}$|^sha512:[a-f0-9]{128}$")]
    private static partial Regex DigestPattern();
}
