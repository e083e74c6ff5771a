using System.Text.Json.Nodes;

namespace FluxSharp.Kubernetes.Client;

/// <summary>
/// An object's identity as Flux's inventory keeps it (cli-utils ObjMetadata): group, kind, namespace ("" when
/// cluster-scoped) and name. <see cref="Id"/> is the inventory id <c>namespace_name_group_kind</c>;
/// <see cref="ToString"/> is how Flux names objects in messages: <c>Kind/namespace/name</c>.
/// </summary>
public sealed record ObjectRef(string Group, string Kind, string Namespace, string Name)
{
    private static readonly HashSet<string> RbacKinds = ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"];

    /// <summary>The inventory id, e.g. <c>default_web_apps_Deployment</c> or <c>_ns1__Namespace</c>; ':' in RBAC names becomes "__".</summary>
    public string Id
    {
        get
        {
            var name = Group == "rbac.authorization.k8s.io" && RbacKinds.Contains(Kind) ? Name.Replace(":", "__", StringComparison.Ordinal) : Name;
            return $"{Namespace}_{name}_{Group}_{Kind}";
        }
    }

    public static ObjectRef From(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var (group, _) = SplitApiVersion((string?)obj["apiVersion"] ?? string.Empty);
        return new ObjectRef(group, (string?)obj["kind"] ?? string.Empty, (string?)obj["metadata"]?["namespace"] ?? string.Empty, (string?)obj["metadata"]?["name"] ?? string.Empty);
    }

    /// <summary>Parses an inventory id as cli-utils does: namespace up to the first '_', kind after the last, group before it.</summary>
    public static ObjectRef Parse(string id) =>
        TryParse(id, out var r) ? r : throw new FormatException($"unable to parse stored object metadata: {id}");

    public static bool TryParse(string? id, out ObjectRef result)
    {
        result = null!;
        if (string.IsNullOrEmpty(id))
        {
            return false;
        }

        var first = id.IndexOf('_', StringComparison.Ordinal);
        if (first < 0)
        {
            return false;
        }

        var ns = id[..first];
        var rest = id[(first + 1)..];
        var last = rest.LastIndexOf('_');
        if (last < 0)
        {
            return false;
        }

        var kind = rest[(last + 1)..];
        rest = rest[..last];
        var groupSep = rest.LastIndexOf('_');
        if (groupSep < 0)
        {
            return false;
        }

        var group = rest[(groupSep + 1)..];
        var name = rest[..groupSep].Replace("__", ":", StringComparison.Ordinal);
        if (name.Contains('_', StringComparison.Ordinal) || name.Length == 0 || kind.Length == 0)
        {
            return false;
        }

        result = new ObjectRef(group, kind, ns, name);
        return true;
    }

    public static (string Group, string Version) SplitApiVersion(string apiVersion)
    {
        ArgumentNullException.ThrowIfNull(apiVersion);
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (string.Empty, apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
    }

    public string ApiVersion(string version) => Group.Length == 0 ? version : $"{Group}/{version}";

    public override string ToString() => Namespace.Length == 0 ? $"{Kind}/{Name}" : $"{Kind}/{Namespace}/{Name}";
}
