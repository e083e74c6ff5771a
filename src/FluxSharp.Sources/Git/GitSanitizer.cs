using System.Text.RegularExpressions;

namespace FluxSharp.Sources.Git;

/// <summary>Removes credentials from text before it reaches a message, log or condition.</summary>
public static partial class GitSanitizer
{
    [GeneratedRegex(@"(?<scheme>[a-zA-Z][a-zA-Z0-9+.\-]*://)(?<user>[^/@\s]+)@", RegexOptions.CultureInvariant)]
    private static partial Regex UrlUserInfo();

    [GeneratedRegex(@"(?i)(authorization:\s*)(bearer|basic|token)\s+\S+", RegexOptions.CultureInvariant)]
    private static partial Regex AuthHeader();

    [GeneratedRegex(@"(?i)\b(bearer|basic)\s+[A-Za-z0-9+/=._\-~]{8,}", RegexOptions.CultureInvariant)]
    private static partial Regex AuthScheme();

    /// <summary>Strips the user-info part (<c>user:pass@</c>) of every URL in <paramref name="text"/>.</summary>
    public static string RedactUrl(string text) =>
        UrlUserInfo().Replace(text ?? string.Empty, m => m.Groups["scheme"].Value);

    /// <summary>Sanitizes <paramref name="text"/>: URL user-info, authorization headers and the given secret values.</summary>
    public static string Sanitize(string text, IEnumerable<string>? secrets = null)
    {
        var s = RedactUrl(text ?? string.Empty);
        s = AuthHeader().Replace(s, "$1$2 <redacted>");
        s = AuthScheme().Replace(s, "$1 <redacted>");
        if (secrets is not null)
        {
            foreach (var secret in secrets)
            {
                if (!string.IsNullOrEmpty(secret) && secret.Length >= 3)
                {
                    s = s.Replace(secret, "<redacted>", StringComparison.Ordinal);
                }
            }
        }
        return s;
    }
}
