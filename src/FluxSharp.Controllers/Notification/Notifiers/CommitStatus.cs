using System.Text;
using System.Text.RegularExpressions;

namespace FluxSharp.Controllers.Notification.Notifiers;

/// <summary>What the git commit-status providers share: the commit from the event's revision, the state, the description.</summary>
public static partial class CommitStatus
{
    /// <summary>
    /// Flux's default commit status key: "kind/name/&lt;first part of the Provider UID&gt;", lower-case, unique per
    /// cluster so two clusters reporting on one commit do not overwrite each other.
    /// </summary>
    public static string DefaultKey(string providerUid, NotificationEvent ev)
    {
        ArgumentNullException.ThrowIfNull(providerUid);
        ArgumentNullException.ThrowIfNull(ev);
        return $"{ev.InvolvedObject.Kind}/{ev.InvolvedObject.Name}/{providerUid.Split('-')[0]}".ToLowerInvariant();
    }

    /// <summary>The commit hash in a Flux revision ("main@sha1:&lt;hex&gt;", "sha256:...", the legacy "main/&lt;hex&gt;", or a bare hash).</summary>
    public static string CommitOf(string? revision)
    {
        if (string.IsNullOrEmpty(revision))
        {
            throw new NotifierConfigException("missing revision metadata");
        }

        var hash = revision[(revision.LastIndexOf('@') + 1)..];
        if (hash.StartsWith("sha1:", StringComparison.Ordinal) || hash.StartsWith("sha256:", StringComparison.Ordinal))
        {
            hash = hash[(hash.IndexOf(':', StringComparison.Ordinal) + 1)..];
        }
        else if (revision.LastIndexOf('/') is var slash and >= 0 && !revision.Contains('@', StringComparison.Ordinal))
        {
            hash = revision[(slash + 1)..];
        }

        if (!HexHash().IsMatch(hash))
        {
            throw new NotifierConfigException($"failed to extract commit hash from '{revision}' revision");
        }

        return hash;
    }

    /// <summary>The event's reason in words, as Flux describes a status: "ReconciliationSucceeded" is "reconciliation succeeded".</summary>
    public static string Description(NotificationEvent ev)
    {
        ArgumentNullException.ThrowIfNull(ev);
        return string.Join(' ', SplitCamelCase(ev.Reason)).ToLowerInvariant();
    }

    /// <summary>Events about progress are not statuses: commit-status providers skip them, as Flux's do.</summary>
    public static bool IsProgressing(NotificationEvent ev) => ev?.Reason == "Progressing";

    /// <summary>Splits at changes of character class (lower, upper, digit, other), keeping "PDFLoader" as "PDF", "Loader".</summary>
    public static IReadOnlyList<string> SplitCamelCase(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var runs = new List<StringBuilder>();
        var last = 0;
        foreach (var c in text)
        {
            var cls = char.IsLower(c) ? 1 : char.IsUpper(c) ? 2 : char.IsDigit(c) ? 3 : 4;
            if (cls == last)
            {
                runs[^1].Append(c);
            }
            else
            {
                runs.Add(new StringBuilder().Append(c));
            }

            last = cls;
        }

        for (var i = 0; i < runs.Count - 1; i++)
        {
            if (char.IsUpper(runs[i][0]) && char.IsLower(runs[i + 1][0]))
            {
                runs[i + 1].Insert(0, runs[i][^1]);
                runs[i].Length--;
            }
        }

        return runs.Where(r => r.Length > 0).Select(r => r.ToString()).ToList();
    }

    /// <summary>host ("https://host", ssh becomes https) and the repository id (path without ".git") of a git address.</summary>
    public static (string Host, string Id) ParseGitAddress(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (ScpLike().Match(address) is { Success: true } scp)
        {
            return ("https://" + scp.Groups["host"].Value, scp.Groups["path"].Value.TrimStart('/').TrimEnd('/').Replace(".git", string.Empty, StringComparison.Ordinal));
        }

        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            throw new NotifierConfigException("invalid address: expected a git repository URL");
        }

        var scheme = uri.Scheme == "ssh" ? "https" : uri.Scheme;
        var id = uri.AbsolutePath.TrimStart('/');
        if (id.EndsWith(".git", StringComparison.Ordinal))
        {
            id = id[..^4];
        }

        return ($"{scheme}://{uri.Authority}", Uri.UnescapeDataString(id));
    }

    [GeneratedRegex("^[0-9a-f]{7,64}$")]
    private static partial Regex HexHash();

    [GeneratedRegex(@"^(?:[^@/]+@)?(?<host>[^:/]+):(?<path>[^/].*)$")]
    private static partial Regex ScpLike();
}
