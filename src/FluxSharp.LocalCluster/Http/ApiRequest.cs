using FluxSharp.LocalCluster.Resources;

namespace FluxSharp.LocalCluster.Http;

/// <summary>A resource request parsed from the URL: which resource, namespace, name and subresource.</summary>
internal sealed record ApiRequest(ResourceInfo Resource, string? Namespace, string? Name, string? Subresource, bool LegacyWatchPath)
{
    /// <summary>
    /// Parses the part after the group/version: [watch/][namespaces/{ns}/]{resource}[/{name}[/{subresource}]].
    /// Returns null when the path names nothing served.
    /// </summary>
    public static ApiRequest? Parse(ResourceRegistry registry, string group, string version, ReadOnlySpan<string> rest)
    {
        var legacyWatch = false;
        if (rest.Length > 0 && rest[0] == "watch")
        {
            legacyWatch = true;
            rest = rest[1..];
        }

        if (rest.Length == 0)
        {
            return null;
        }

        string? ns = null;
        if (rest[0] == "namespaces" && rest.Length >= 3 && !(rest.Length == 3 && rest[2] is "status" or "finalize"))
        {
            ns = rest[1];
            rest = rest[2..];
        }

        var resource = registry.Find(group, version, rest[0]);
        if (resource is null || (ns is not null && !resource.Namespaced) || rest.Length > 3)
        {
            return null;
        }

        var name = rest.Length > 1 ? rest[1] : null;
        var sub = rest.Length > 2 ? rest[2] : null;
        if (sub is not null && !(sub == "status" && resource.HasStatus) && !(sub == "scale" && resource.Scale is not null) && !(sub == "finalize" && resource.Plural == "namespaces" && group.Length == 0)
            && !(sub == "log" && resource.Plural == "pods" && group.Length == 0))
        {
            return null;
        }

        return new ApiRequest(resource, ns, name, sub, legacyWatch);
    }
}
