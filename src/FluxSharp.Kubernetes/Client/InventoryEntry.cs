using System.Text.Json.Nodes;

namespace FluxSharp.Kubernetes.Client;

/// <summary>
/// An object and the version it was applied with (cli-utils' ObjMetadata plus version, <c>{id, v}</c> in Flux's
/// inventory): how the applier, the health checker and the inventory name objects.
/// </summary>
public sealed record InventoryEntry(ObjectRef Ref, string Version)
{
    public string Id => Ref.Id;

    public string ApiVersion => Ref.ApiVersion(Version);

    public static InventoryEntry From(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var (_, version) = ObjectRef.SplitApiVersion((string?)obj["apiVersion"] ?? string.Empty);
        return new InventoryEntry(ObjectRef.From(obj), version);
    }

    /// <summary>From an apiVersion, kind, namespace and name (e.g. a spec.healthChecks reference).</summary>
    public static InventoryEntry From(string apiVersion, string kind, string? ns, string name)
    {
        var (group, version) = ObjectRef.SplitApiVersion(apiVersion);
        return new InventoryEntry(new ObjectRef(group, kind, ns ?? string.Empty, name), version);
    }

    /// <summary>From an inventory id (<c>namespace_name_group_kind</c>) and version; an unparsable id throws <see cref="FormatException"/> naming it.</summary>
    public static InventoryEntry Parse(string id, string version) => new(ObjectRef.Parse(id), version);

    public override string ToString() => Ref.ToString();
}
