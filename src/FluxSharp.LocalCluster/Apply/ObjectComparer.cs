using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Schema;

namespace FluxSharp.LocalCluster.Apply;

/// <summary>What a write did to an object: the paths it added, changed and removed.</summary>
internal sealed class Comparison
{
    public FieldSet Added { get; } = new();

    public FieldSet Modified { get; } = new();

    public FieldSet Removed { get; } = new();

    public bool IsSame => Added.IsEmpty && Modified.IsEmpty && Removed.IsEmpty;
}

/// <summary>
/// SMD's Compare: walks old and new together. Leaves (scalars, atomic lists/maps) are Added, Removed or
/// Modified; a map, struct or list item that exists on one side only is itself Added or Removed along
/// with everything beneath it. Empty maps/lists on both sides are compared as leaves.
/// </summary>
internal static class ObjectComparer
{
    public static Comparison Compare(JsonObject before, JsonObject after, TypeSchema schema)
    {
        var comparison = new Comparison();
        Walk(true, before, true, after, schema, new List<PathElement>(16), comparison);
        return comparison;
    }

    private static void Walk(bool lPresent, JsonNode? l, bool rPresent, JsonNode? r, TypeSchema schema, List<PathElement> path, Comparison cmp)
    {
        if (IsMapPair(l, r, schema))
        {
            var lo = l as JsonObject;
            var ro = r as JsonObject;
            if ((lo is null || lo.Count == 0) && (ro is null || ro.Count == 0))
            {
                Leaf(lPresent, l, rPresent, r, path, cmp);
                return;
            }

            if (lo is not null)
            {
                foreach (var (name, lv) in lo)
                {
                    JsonNode? rv = null;
                    var has = ro is not null && ro.TryGetPropertyValue(name, out rv);
                    path.Add(PathElement.Field(name));
                    Walk(true, lv, has, rv, SchemaShape.Field(schema, name, out _), path, cmp);
                    path.RemoveAt(path.Count - 1);
                }
            }

            if (ro is not null)
            {
                foreach (var (name, rv) in ro)
                {
                    if (lo is null || !lo.ContainsKey(name))
                    {
                        path.Add(PathElement.Field(name));
                        Walk(false, null, true, rv, SchemaShape.Field(schema, name, out _), path, cmp);
                        path.RemoveAt(path.Count - 1);
                    }
                }
            }

            Node(lPresent, rPresent, path, cmp);
            return;
        }

        if (IsListPair(l, r))
        {
            var kind = SchemaShape.ListKindOf(schema, out var keys);
            if (kind != ListKind.Atomic)
            {
                var la = l as JsonArray;
                var ra = r as JsonArray;
                if ((la is null || la.Count == 0) && (ra is null || ra.Count == 0))
                {
                    Leaf(lPresent, l, rPresent, r, path, cmp);
                    return;
                }

                var items = schema.Items!;
                var lItems = Index(la, kind, keys, items);
                var rItems = Index(ra, kind, keys, items);
                foreach (var (pe, lv) in lItems)
                {
                    JsonNode? rv = null;
                    var has = rItems.TryGetValue(pe, out rv);
                    path.Add(pe);
                    Walk(true, lv, has, rv, items, path, cmp);
                    path.RemoveAt(path.Count - 1);
                }

                foreach (var (pe, rv) in rItems)
                {
                    if (!lItems.ContainsKey(pe))
                    {
                        path.Add(pe);
                        Walk(false, null, true, rv, items, path, cmp);
                        path.RemoveAt(path.Count - 1);
                    }
                }

                Node(lPresent, rPresent, path, cmp);
                return;
            }
        }

        Leaf(lPresent, l, rPresent, r, path, cmp);
    }

    /// <summary>Both sides are objects (or one is absent/null) under a granular object schema.</summary>
    private static bool IsMapPair(JsonNode? l, JsonNode? r, TypeSchema schema) =>
        SchemaShape.IsGranularObject(schema) && (l is JsonObject || r is JsonObject) && (l is null or JsonObject) && (r is null or JsonObject);

    private static bool IsListPair(JsonNode? l, JsonNode? r) =>
        (l is JsonArray || r is JsonArray) && (l is null or JsonArray) && (r is null or JsonArray);

    /// <summary>Items by path element, keeping list order; a duplicated key keeps its first item.</summary>
    private static Dictionary<PathElement, JsonNode?> Index(JsonArray? list, ListKind kind, IReadOnlyList<string> keys, TypeSchema items)
    {
        var index = new Dictionary<PathElement, JsonNode?>(list?.Count ?? 0);
        if (list is not null)
        {
            foreach (var item in list)
            {
                index.TryAdd(SchemaShape.ItemElement(kind, keys, items, item), item);
            }
        }

        return index;
    }

    private static void Leaf(bool lPresent, JsonNode? l, bool rPresent, JsonNode? r, List<PathElement> path, Comparison cmp)
    {
        if (!lPresent)
        {
            cmp.Added.Insert(path);
        }
        else if (!rPresent)
        {
            cmp.Removed.Insert(path);
        }
        else if (!JsonNode.DeepEquals(l, r))
        {
            cmp.Modified.Insert(path);
        }
    }

    private static void Node(bool lPresent, bool rPresent, List<PathElement> path, Comparison cmp)
    {
        if (!lPresent)
        {
            cmp.Added.Insert(path);
        }
        else if (!rPresent)
        {
            cmp.Removed.Insert(path);
        }
    }
}
