using System.Text.Json.Nodes;
using FluxSharp.Api;
using FluxSharp.Api.Kustomize.V1;

namespace FluxSharp.Kubernetes.Apply;

/// <summary>One inventory entry: the object and the version it was applied with (<c>{id, v}</c> in status.inventory.entries).</summary>
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

    public static InventoryEntry From(NamespacedObjectKindReference reference, string defaultNamespace)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return From(reference.ApiVersion ?? "v1", reference.Kind, reference.Namespace ?? defaultNamespace, reference.Name);
    }

    public ResourceRef ToResourceRef() => new() { Id = Id, Version = Version };

    public static InventoryEntry Parse(ResourceRef reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return new InventoryEntry(ObjectRef.Parse(reference.Id), reference.Version);
    }

    public override string ToString() => Ref.ToString();
}

/// <summary>Flux's inventory (status.inventory): build it from objects or a change set, read it back, find stale objects.</summary>
public static class Inventory
{
    /// <summary>Entries in the order given, without duplicates (the same id twice keeps the first).</summary>
    public static ResourceInventory Create(IEnumerable<InventoryEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return new ResourceInventory { Entries = entries.Where(e => seen.Add(e.Id)).Select(e => e.ToResourceRef()).ToList() };
    }

    public static ResourceInventory FromObjects(IEnumerable<JsonObject> objects) => Create(objects.Select(InventoryEntry.From));

    public static ResourceInventory FromChangeSet(ChangeSet changeSet)
    {
        ArgumentNullException.ThrowIfNull(changeSet);
        return Create(changeSet.Entries.Select(e => e.Entry));
    }

    /// <summary>Reads entries; an unparsable id throws <see cref="FormatException"/> naming it.</summary>
    public static IReadOnlyList<InventoryEntry> Entries(ResourceInventory? inventory) =>
        inventory is null ? [] : inventory.Entries.Select(InventoryEntry.Parse).ToList();

    /// <summary>The inventory as status JSON: <c>{"entries":[{"id":...,"v":...}]}</c>.</summary>
    public static JsonObject ToJson(ResourceInventory inventory)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        return new JsonObject
        {
            ["entries"] = new JsonArray(inventory.Entries.Select(e => (JsonNode?)new JsonObject { ["id"] = e.Id, ["v"] = e.Version }).ToArray()),
        };
    }

    public static ResourceInventory? FromJson(JsonNode? node)
    {
        if (node is not JsonObject o)
        {
            return null;
        }

        return new ResourceInventory
        {
            Entries = (o["entries"] as JsonArray ?? []).OfType<JsonObject>()
                .Select(e => new ResourceRef { Id = (string?)e["id"] ?? string.Empty, Version = (string?)e["v"] ?? string.Empty })
                .ToList(),
        };
    }

    /// <summary>Objects in <paramref name="old"/> that are not in <paramref name="current"/> (compared by id, not version): what to prune.</summary>
    public static IReadOnlyList<InventoryEntry> Stale(ResourceInventory? old, ResourceInventory? current)
    {
        var keep = new HashSet<string>((current?.Entries ?? []).Select(e => e.Id), StringComparer.Ordinal);
        return Entries(old).Where(e => !keep.Contains(e.Id)).ToList();
    }
}
