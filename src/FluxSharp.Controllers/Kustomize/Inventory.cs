using System.Text.Json.Nodes;
using FluxSharp.Api;
using FluxSharp.Api.Kustomize.V1;
using FluxSharp.Kubernetes.Apply;
using FluxSharp.Kubernetes.Client;

namespace FluxSharp.Controllers.Kustomize;

/// <summary>Flux's inventory (status.inventory): build it from objects or a change set, read it back, find stale objects.</summary>
public static class Inventory
{
    /// <summary>Entries in the order given, without duplicates (the same id twice keeps the first).</summary>
    public static ResourceInventory Create(IEnumerable<InventoryEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return new ResourceInventory { Entries = entries.Where(e => seen.Add(e.Id)).Select(ToResourceRef).ToList() };
    }

    public static ResourceInventory FromObjects(IEnumerable<JsonObject> objects) => Create(objects.Select(InventoryEntry.From));

    public static ResourceInventory FromChangeSet(ChangeSet changeSet)
    {
        ArgumentNullException.ThrowIfNull(changeSet);
        return Create(changeSet.Entries.Select(e => e.Entry));
    }

    /// <summary>Reads entries; an unparsable id throws <see cref="FormatException"/> naming it.</summary>
    public static IReadOnlyList<InventoryEntry> Entries(ResourceInventory? inventory) =>
        inventory is null ? [] : inventory.Entries.Select(Parse).ToList();

    public static ResourceRef ToResourceRef(InventoryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new() { Id = entry.Id, Version = entry.Version };
    }

    public static InventoryEntry Parse(ResourceRef reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return InventoryEntry.Parse(reference.Id, reference.Version);
    }

    /// <summary>The entry of a spec.healthChecks reference; its namespace defaults to <paramref name="defaultNamespace"/>.</summary>
    public static InventoryEntry EntryOf(NamespacedObjectKindReference reference, string defaultNamespace)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return InventoryEntry.From(reference.ApiVersion ?? "v1", reference.Kind, reference.Namespace ?? defaultNamespace, reference.Name);
    }

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
