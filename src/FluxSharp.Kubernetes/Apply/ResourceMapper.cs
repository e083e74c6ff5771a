using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using k8s;

namespace FluxSharp.Kubernetes.Apply;

/// <summary>What discovery says about a kind: its plural (for URLs) and whether it lives in namespaces.</summary>
public sealed record ResourceMapping(string Group, string Version, string Kind, string Plural, bool Namespaced)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The collection path, e.g. /apis/apps/v1/namespaces/default/deployments.</summary>
    public string CollectionPath(string? ns)
    {
        var prefix = Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";
        return Namespaced && !string.IsNullOrEmpty(ns)
            ? $"{prefix}/namespaces/{Uri.EscapeDataString(ns)}/{Plural}"
            : $"{prefix}/{Plural}";
    }

    public string ObjectPath(string? ns, string name) => $"{CollectionPath(ns)}/{Uri.EscapeDataString(name)}";
}

/// <summary>The kind is not served (yet): no CRD, or a wrong apiVersion.</summary>
public sealed class KindNotFoundException : Exception
{
    public KindNotFoundException(string apiVersion, string kind)
        : base($"no matches for kind \"{kind}\" in version \"{apiVersion}\"")
    {
        ApiVersion = apiVersion;
        Kind = kind;
    }

    public KindNotFoundException()
        : this(string.Empty, string.Empty)
    {
    }

    public KindNotFoundException(string message)
        : base(message)
    {
        ApiVersion = string.Empty;
        Kind = string.Empty;
    }

    public KindNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
        ApiVersion = string.Empty;
        Kind = string.Empty;
    }

    public string ApiVersion { get; }

    public string Kind { get; }
}

/// <summary>
/// Maps apiVersion + kind to a resource through the API's legacy discovery (/api/v1, /apis/{group}/{version}),
/// one group-version at a time, cached. A kind missing from the cache refreshes its group-version once
/// (a CRD installed since), so new kinds are found without restarting.
/// </summary>
public sealed class ResourceMapper
{
    private readonly KubeRestClient _rest;
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, ResourceMapping>> _byGroupVersion = new(StringComparer.Ordinal);

    public ResourceMapper(KubeRestClient rest) => _rest = rest;

    public ResourceMapper(IKubernetes kube)
        : this(new KubeRestClient(kube))
    {
    }

    /// <summary>Throws <see cref="KindNotFoundException"/> when the API does not serve the kind.</summary>
    public async Task<ResourceMapping> MapAsync(string apiVersion, string kind, CancellationToken cancellationToken) =>
        await TryMapAsync(apiVersion, kind, cancellationToken) ?? throw new KindNotFoundException(apiVersion, kind);

    public async Task<ResourceMapping?> TryMapAsync(string apiVersion, string kind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(apiVersion);
        if (_byGroupVersion.TryGetValue(apiVersion, out var cached) && cached.TryGetValue(kind, out var hit))
        {
            return hit;
        }

        var fresh = await DiscoverAsync(apiVersion, cancellationToken);
        _byGroupVersion[apiVersion] = fresh;
        return fresh.TryGetValue(kind, out var found) ? found : null;
    }

    /// <summary>Forgets everything (e.g. after CRDs were removed).</summary>
    public void Invalidate() => _byGroupVersion.Clear();

    private async Task<IReadOnlyDictionary<string, ResourceMapping>> DiscoverAsync(string apiVersion, CancellationToken cancellationToken)
    {
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var (group, version) = slash < 0 ? (string.Empty, apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
        var path = group.Length == 0 ? $"/api/{version}" : $"/apis/{group}/{version}";
        var list = await _rest.GetAsync(path, cancellationToken);
        var result = new Dictionary<string, ResourceMapping>(StringComparer.Ordinal);
        foreach (var r in (list?["resources"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = (string?)r["name"];
            var kind = (string?)r["kind"];
            if (name is null || kind is null || name.Contains('/', StringComparison.Ordinal))
            {
                continue;
            }

            result.TryAdd(kind, new ResourceMapping(group, version, kind, name, (bool?)r["namespaced"] ?? false));
        }

        return result;
    }
}
