namespace FluxSharp.LocalCluster.Resources;

/// <summary>
/// What is served: built-in kinds plus the versions of every established CRD. Lookups by URL segments
/// (group, version, plural) and by kind. Immutable snapshots swapped on change, so readers never lock.
/// </summary>
public sealed class ResourceRegistry
{
    private readonly object _writeLock = new();
    private readonly Dictionary<string, IReadOnlyList<ResourceInfo>> _custom = new(StringComparer.Ordinal);
    private Snapshot _snapshot;

    public ResourceRegistry()
    {
        _snapshot = new Snapshot(BuiltinResources.All, 1);
    }

    /// <summary>Bumped on every change: discovery and OpenAPI caches key on it.</summary>
    public long Generation => _snapshot.Generation;

    public IReadOnlyList<ResourceInfo> All => _snapshot.Resources;

    /// <summary>Storage shared by all versions of a resource: "group/plural".</summary>
    public static string StorageKey(ResourceInfo r) => r.SharedStorageKey ?? r.Group + "/" + r.Plural;

    public ResourceInfo? Find(string group, string version, string plural) =>
        _snapshot.ByPath.TryGetValue((group, version, plural), out var r) ? r : null;

    public ResourceInfo? FindKind(string group, string version, string kind) =>
        _snapshot.ByKind.TryGetValue((group, version, kind), out var r) ? r : null;

    /// <summary>The storage version of a group/plural (what GC and namespace cleanup read and write).</summary>
    public ResourceInfo? StorageVersion(string group, string plural) =>
        _snapshot.Resources.FirstOrDefault(r => r.Group == group && r.Plural == plural && r.StorageVersion)
        ?? _snapshot.Resources.FirstOrDefault(r => r.Group == group && r.Plural == plural);

    /// <summary>One entry per storage key, the preferred version (for sweeps over every object).</summary>
    public IEnumerable<ResourceInfo> StorageResources() =>
        _snapshot.Resources.GroupBy(StorageKey).Select(g => g.FirstOrDefault(r => r.StorageVersion) ?? g.First());

    /// <summary>Serves (or replaces) the versions of one CRD, keyed by its name.</summary>
    public void SetCustom(string crdName, IReadOnlyList<ResourceInfo> versions)
    {
        lock (_writeLock)
        {
            _custom[crdName] = versions;
            Rebuild();
        }
    }

    public void RemoveCustom(string crdName)
    {
        lock (_writeLock)
        {
            if (_custom.Remove(crdName))
            {
                Rebuild();
            }
        }
    }

    /// <summary>API groups with their versions in preference order (for discovery).</summary>
    public IReadOnlyList<(string Group, IReadOnlyList<string> Versions)> Groups()
    {
        var order = new List<string>();
        var versions = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var r in _snapshot.Resources)
        {
            if (!versions.TryGetValue(r.Group, out var vs))
            {
                vs = [];
                versions[r.Group] = vs;
                order.Add(r.Group);
            }

            if (!vs.Contains(r.Version))
            {
                vs.Add(r.Version);
            }
        }

        return order.Select(g => (g, (IReadOnlyList<string>)versions[g].OrderByDescending(VersionPriority).ToList())).ToList();
    }

    /// <summary>Kubernetes version priority: GA over beta over alpha, higher numbers first.</summary>
    public static int VersionPriority(string v)
    {
        var m = System.Text.RegularExpressions.Regex.Match(v, @"^v(\d+)(?:(alpha|beta)(\d+))?$");
        if (!m.Success)
        {
            return -1;
        }

        var major = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var stage = m.Groups[2].Value switch { "" => 3, "beta" => 2, _ => 1 };
        var minor = m.Groups[3].Success ? int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        return (stage * 10000) + (major * 100) + minor;
    }

    private void Rebuild()
    {
        var all = BuiltinResources.All.Concat(_custom.Values.SelectMany(v => v)).ToList();
        _snapshot = new Snapshot(all, _snapshot.Generation + 1);
    }

    private sealed class Snapshot
    {
        public Snapshot(IReadOnlyList<ResourceInfo> resources, long generation)
        {
            Resources = resources;
            Generation = generation;
            foreach (var r in resources)
            {
                ByPath[(r.Group, r.Version, r.Plural)] = r;
                ByKind.TryAdd((r.Group, r.Version, r.Kind), r);
            }
        }

        public IReadOnlyList<ResourceInfo> Resources { get; }

        public long Generation { get; }

        public Dictionary<(string, string, string), ResourceInfo> ByPath { get; } = [];

        public Dictionary<(string, string, string), ResourceInfo> ByKind { get; } = [];
    }
}
