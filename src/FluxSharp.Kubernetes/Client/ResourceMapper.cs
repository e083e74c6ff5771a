using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using FluxSharp.Api;
using k8s;

namespace FluxSharp.Kubernetes.Client;

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
/// Maps apiVersion + kind to its <see cref="ApiResource"/> (plural, scope) through the API's legacy discovery (/api/v1, /apis/{group}/{version}),
/// one group-version at a time, cached. A kind missing from the cache refreshes its group-version once
/// (a CRD installed since), so new kinds are found without restarting.
/// </summary>
public sealed class ResourceMapper
{
    private readonly KubeClient _rest;
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, ApiResource>> _byGroupVersion = new(StringComparer.Ordinal);

    public ResourceMapper(KubeClient rest) => _rest = rest;

    public ResourceMapper(IKubernetes kube)
        : this(new KubeClient(kube))
    {
    }

    /// <summary>Throws <see cref="KindNotFoundException"/> when the API does not serve the kind.</summary>
    public async Task<ApiResource> MapAsync(string apiVersion, string kind, CancellationToken cancellationToken) =>
        await TryMapAsync(apiVersion, kind, cancellationToken) ?? throw new KindNotFoundException(apiVersion, kind);

    public async Task<ApiResource?> TryMapAsync(string apiVersion, string kind, CancellationToken cancellationToken)
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

    private async Task<IReadOnlyDictionary<string, ApiResource>> DiscoverAsync(string apiVersion, CancellationToken cancellationToken)
    {
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var (group, version) = slash < 0 ? (string.Empty, apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
        var path = group.Length == 0 ? $"/api/{version}" : $"/apis/{group}/{version}";
        var list = await _rest.GetAsync(path, cancellationToken);
        var result = new Dictionary<string, ApiResource>(StringComparer.Ordinal);
        foreach (var r in (list?["resources"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = (string?)r["name"];
            var kind = (string?)r["kind"];
            if (name is null || kind is null || name.Contains('/', StringComparison.Ordinal))
            {
                continue;
            }

            result.TryAdd(kind, new ApiResource(group, version, name, kind, (bool?)r["namespaced"] ?? false));
        }

        return result;
    }
}
