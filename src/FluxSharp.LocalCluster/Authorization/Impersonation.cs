using Microsoft.Extensions.Primitives;

namespace FluxSharp.LocalCluster.Authorization;

/// <summary>
/// Reads the impersonation headers (k8s.io/apiserver endpoints/filters/impersonation.go) into the
/// identity the request runs as. The caller (cluster admin) is always allowed to impersonate, so
/// no "impersonate" authorization check is made here.
/// </summary>
public static class Impersonation
{
    public const string UserHeader = "Impersonate-User";
    public const string GroupHeader = "Impersonate-Group";
    public const string UidHeader = "Impersonate-Uid";
    public const string ExtraHeaderPrefix = "Impersonate-Extra-";

    /// <summary>
    /// The impersonated user, or null when no impersonation header is present. Groups get the
    /// implicit ones k8s adds: a service-account username without explicit groups gets
    /// system:serviceaccounts and system:serviceaccounts:&lt;ns&gt;; every non-anonymous user gets
    /// system:authenticated unless system:authenticated/system:unauthenticated was given;
    /// system:anonymous gets system:unauthenticated.
    /// </summary>
    /// <exception cref="ApiException">BadRequest when groups, uid or extras are given without a user.
    /// (The real apiserver answers this with a 500 InternalError; 400 describes it better.)</exception>
    public static UserInfo? FromHeaders(IEnumerable<KeyValuePair<string, StringValues>> headers)
    {
        string? user = null;
        string? uid = null;
        var groups = new List<string>();
        var extra = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var requested = new List<string>();

        foreach (var (header, values) in headers)
        {
            if (header.Equals(UserHeader, StringComparison.OrdinalIgnoreCase))
            {
                user = values.FirstOrDefault(v => !string.IsNullOrEmpty(v)) ?? user;
            }
            else if (header.Equals(GroupHeader, StringComparison.OrdinalIgnoreCase))
            {
                foreach (var g in values)
                {
                    if (g is not null)
                    {
                        groups.Add(g);
                        requested.Add($"group \"{g}\"");
                    }
                }
            }
            else if (header.Equals(UidHeader, StringComparison.OrdinalIgnoreCase))
            {
                if (!string.IsNullOrEmpty(values.FirstOrDefault()))
                {
                    uid = values.FirstOrDefault();
                    requested.Add($"uid \"{uid}\"");
                }
            }
            else if (header.StartsWith(ExtraHeaderPrefix, StringComparison.OrdinalIgnoreCase))
            {
                // Extra keys are case-insensitive header names: lower-cased, then percent-decoded.
                var key = Uri.UnescapeDataString(header[ExtraHeaderPrefix.Length..].ToLowerInvariant());
                var list = extra.TryGetValue(key, out var existing) ? [.. existing] : new List<string>();
                list.AddRange(values.OfType<string>());
                extra[key] = list;
                requested.Add($"extra \"{key}\"");
            }
        }

        if (user is null)
        {
            if (requested.Count > 0)
            {
                throw ApiException.BadRequest($"requested [{string.Join(", ", requested)}] without impersonating a user");
            }

            return null;
        }

        if (groups.Count == 0 && UserInfo.TryParseServiceAccount(user, out var saNamespace, out _))
        {
            groups.Add(UserInfo.AllServiceAccounts);
            groups.Add(UserInfo.AllServiceAccounts + ":" + saNamespace);
        }

        if (user == UserInfo.Anonymous)
        {
            if (!groups.Contains(UserInfo.AllUnauthenticated))
            {
                groups.Add(UserInfo.AllUnauthenticated);
            }
        }
        else if (!groups.Contains(UserInfo.AllAuthenticated) && !groups.Contains(UserInfo.AllUnauthenticated))
        {
            groups.Add(UserInfo.AllAuthenticated);
        }

        return new UserInfo(user, groups) { Uid = uid, Extra = extra };
    }
}
