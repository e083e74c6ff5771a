namespace FluxSharp.LocalCluster.Authorization;

/// <summary>
/// The identity a request runs as (k8s user.Info). Groups already include the implicit
/// ones Kubernetes adds (system:authenticated; for service accounts system:serviceaccounts
/// and system:serviceaccounts:&lt;ns&gt;) when built by <see cref="Impersonation"/> or the factories here.
/// </summary>
public sealed record UserInfo(string Name, IReadOnlyList<string> Groups)
{
    public const string ServiceAccountUsernamePrefix = "system:serviceaccount:";
    public const string AllAuthenticated = "system:authenticated";
    public const string AllUnauthenticated = "system:unauthenticated";
    public const string Anonymous = "system:anonymous";
    public const string AllServiceAccounts = "system:serviceaccounts";
    public const string SystemMasters = "system:masters";

    public string? Uid { get; init; }

    /// <summary>Extra attributes (Impersonate-Extra-*); keys lower-cased as k8s does.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Extra { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>"system:serviceaccount:ns:name", the username k8s gives a service account.</summary>
    public static string ServiceAccountUsername(string ns, string name) => $"{ServiceAccountUsernamePrefix}{ns}:{name}";

    /// <summary>A service account's identity with the groups k8s derives for it.</summary>
    public static UserInfo ServiceAccount(string ns, string name) =>
        new(ServiceAccountUsername(ns, name), [AllServiceAccounts, AllServiceAccounts + ":" + ns, AllAuthenticated]);

    /// <summary>A plain user with the given groups plus system:authenticated.</summary>
    public static UserInfo User(string name, params string[] groups) =>
        new(name, groups.Contains(AllAuthenticated) ? groups : [.. groups, AllAuthenticated]);

    /// <summary>Splits "system:serviceaccount:ns:name"; false for any other username.</summary>
    public static bool TryParseServiceAccount(string username, out string ns, out string name)
    {
        ns = name = "";
        if (!username.StartsWith(ServiceAccountUsernamePrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = username[ServiceAccountUsernamePrefix.Length..].Split(':');
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            return false;
        }

        (ns, name) = (parts[0], parts[1]);
        return true;
    }

    public bool InGroup(string group) => Groups.Contains(group, StringComparer.Ordinal);
}

/// <summary>
/// What a request asks to do, as the authorizer sees it (k8s authorizer.Attributes).
/// For resource requests <see cref="Path"/> is null; for non-resource URLs (/version, /healthz,
/// /api discovery...) Path is set and the resource fields are ignored.
/// </summary>
/// <remarks>
/// Verb mapping is the caller's job and follows the apiserver's RequestInfoFactory:
/// resource requests — GET on one object: get; GET on a collection: list; GET with watch=true
/// (or the legacy /watch/ prefix): watch; POST: create; PUT: update; PATCH: patch;
/// DELETE on one object: delete; DELETE on a collection: deletecollection.
/// Non-resource requests use the lower-cased HTTP method as the verb (get, post, put, patch, delete, head).
/// Subresources keep the verb of their HTTP method (e.g. POST pods/eviction is create on "pods/eviction";
/// GET deployments/scale is get on "deployments/scale").
/// </remarks>
public sealed record RequestAttributes(string Verb, string ApiGroup, string Resource, string? Subresource, string? Namespace, string? Name, string? Path)
{
    public bool IsResourceRequest => Path is null;

    /// <summary>A resource request.</summary>
    public static RequestAttributes ForResource(string verb, string apiGroup, string resource, string? ns = null, string? name = null, string? subresource = null) =>
        new(verb, apiGroup, resource, subresource, ns, name, null);

    /// <summary>A non-resource URL request (discovery, /version, /healthz...).</summary>
    public static RequestAttributes ForPath(string verb, string path) => new(verb, "", "", null, null, null, path);
}
