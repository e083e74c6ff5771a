using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Schema;

namespace FluxSharp.LocalCluster.Apply;

/// <summary>
/// SMD's RemoveItems, in place: a member of the set is removed whole (field, map key, list item);
/// a path with only children is descended into. A map or list emptied by removal is dropped from its
/// parent, as a typed apiserver object would omit it.
/// </summary>
internal static class ItemRemover
{
    public static void Remove(JsonObject target, FieldSet toRemove, TypeSchema schema)
    {
        if (!toRemove.IsEmpty)
        {
            RemoveFrom(target, toRemove, schema);
        }
    }

    /// <returns>True when the node was non-empty and removal emptied it.</returns>
    private static bool RemoveFrom(JsonNode? node, FieldSet toRemove, TypeSchema schema)
    {
        if (node is JsonObject obj && SchemaShape.IsGranularObject(schema))
        {
            if (obj.Count == 0)
            {
                return false;
            }

            foreach (var (pe, (member, children)) in toRemove.Entries())
            {
                if (pe.Kind != PathElementKind.Field || !obj.TryGetPropertyValue(pe.FieldName!, out var child))
                {
                    continue;
                }

                if (member || (children is not null && RemoveFrom(child, children, SchemaShape.Field(schema, pe.FieldName!, out _))))
                {
                    obj.Remove(pe.FieldName!);
                }
            }

            return obj.Count == 0;
        }

        if (node is JsonArray list && list.Count > 0)
        {
            var kind = SchemaShape.ListKindOf(schema, out var keys);
            if (kind == ListKind.Atomic)
            {
                return false;
            }

            var items = schema.Items!;
            for (var i = list.Count - 1; i >= 0; i--)
            {
                var pe = SchemaShape.ItemElement(kind, keys, items, list[i]);
                if (toRemove.HasMember(pe) || (toRemove.Child(pe) is { } children && RemoveFrom(list[i], children, items)))
                {
                    list.RemoveAt(i);
                }
            }

            return list.Count == 0;
        }

        return false;
    }
}
