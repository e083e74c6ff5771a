using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Schema;

namespace FluxSharp.LocalCluster.Apply;

/// <summary>
/// Computes the fields a value sets (SMD's ToFieldSet): every leaf; map entries that are not declared
/// struct fields; fields that are null or empty objects; every associative list item (so its "." is owned).
/// Atomic lists and atomic maps are single leaves. Duplicate keyed items are owned whole, like SMD.
/// </summary>
internal static class FieldSetBuilder
{
    public static FieldSet Build(JsonObject value, TypeSchema schema)
    {
        var set = new FieldSet();
        Walk(value, schema, new List<PathElement>(16), set);
        return set;
    }

    private static void Walk(JsonNode? value, TypeSchema schema, List<PathElement> path, FieldSet set)
    {
        if (value is JsonObject obj && SchemaShape.IsGranularObject(schema))
        {
            foreach (var (name, child) in obj)
            {
                var childSchema = SchemaShape.Field(schema, name, out var declared);
                path.Add(PathElement.Field(name));
                Walk(child, childSchema, path, set);
                if (child is null || child is JsonObject { Count: 0 } || !declared)
                {
                    set.Insert(path);
                }

                path.RemoveAt(path.Count - 1);
            }

            return;
        }

        if (value is JsonArray list)
        {
            var kind = SchemaShape.ListKindOf(schema, out var keys);
            if (kind != ListKind.Atomic)
            {
                WalkItems(list, kind, keys, schema.Items!, path, set);
                return;
            }
        }

        set.Insert(path);
    }

    private static void WalkItems(JsonArray list, ListKind kind, IReadOnlyList<string> keys, TypeSchema items, List<PathElement> path, FieldSet set)
    {
        var elements = new PathElement[list.Count];
        HashSet<PathElement>? seen = null;
        HashSet<PathElement>? duplicates = null;
        for (var i = 0; i < list.Count; i++)
        {
            var pe = SchemaShape.ItemElement(kind, keys, items, list[i]);
            elements[i] = pe;
            seen ??= [];
            if (!seen.Add(pe))
            {
                duplicates ??= [];
                duplicates.Add(pe);
            }
        }

        for (var i = 0; i < list.Count; i++)
        {
            var pe = elements[i];
            path.Add(pe);
            if (duplicates is null || !duplicates.Contains(pe))
            {
                Walk(list[i], items, path, set);
            }

            set.Insert(path);
            path.RemoveAt(path.Count - 1);
        }
    }
}
