using System.Text.RegularExpressions;
using FluxSharp.Sources.Git;
using Semver;

namespace FluxSharp.Sources.Oci;

/// <summary>
/// OCIRepository <c>spec.ref.semver</c>: the highest tag in the range (Flux's Masterminds constraints, a leading
/// <c>v</c> allowed), among the tags matching <c>spec.ref.semverFilter</c> when set.
/// </summary>
public static class OciTagSelector
{
    public static string Latest(IEnumerable<string> tags, string range, string? filter, string url)
    {
        ArgumentNullException.ThrowIfNull(tags);
        SemVersionRange parsed;
        try
        {
            parsed = GitClient.ParseRange(range);
        }
        catch (GitOperationException)
        {
            throw new OciException(OciErrorKind.InvalidInput, $"semver parse error: invalid semver range '{range}' in spec.ref.semver");
        }

        Regex? regex = null;
        if (!string.IsNullOrEmpty(filter))
        {
            try
            {
                regex = new Regex(filter, RegexOptions.None, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException e)
            {
                throw new OciException(OciErrorKind.InvalidInput, $"semver regex parse error: invalid spec.ref.semverFilter '{filter}': {e.Message}");
            }
        }

        SemVersion? best = null;
        string? bestTag = null;
        foreach (var tag in tags)
        {
            if (regex is not null && !regex.IsMatch(tag))
            {
                continue;
            }

            if (!GitClient.TryParseTagVersion(tag, out var version) || !parsed.Contains(version))
            {
                continue;
            }

            if (best is null || version.ComparePrecedenceTo(best) > 0 || (version.ComparePrecedenceTo(best) == 0 && string.CompareOrdinal(tag, bestTag) > 0))
            {
                best = version;
                bestTag = tag;
            }
        }

        return bestTag ?? throw new OciException(OciErrorKind.NotFound, $"failed to determine artifact tag for '{url}': no match found for semver: {range}");
    }
}
