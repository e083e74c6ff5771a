using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Schema;

namespace FluxSharp.LocalCluster.Apply;

/// <summary>How apply treats a list: replaced whole, a set of scalars ("v:"), or items keyed by fields ("k:").</summary>
internal enum ListKind
{
    Atomic,
    Set,
    Keyed,
}

/// <summary>
/// Reads a <see cref="TypeSchema"/> the way structured-merge-diff reads its schema: which objects are
/// granular maps/structs, which lists are associative and by what keys. Unknown schema is "deduced":
/// objects are maps of fields, lists are atomic.
/// </summary>
internal static class SchemaShape
{
    /// <summary>The schema used where none is known.</summary>
    public static readonly TypeSchema Deduced = new() { Type = SchemaType.Unknown, PreserveUnknownFields = true };

    /// <summary>The schema of field <paramref name="name"/>; <paramref name="declared"/> tells if it is a named struct field.</summary>
    public static TypeSchema Field(TypeSchema schema, string name, out bool declared)
    {
        if (schema.Properties is not null && schema.Properties.TryGetValue(name, out var field))
        {
            declared = true;
            return field;
        }

        declared = false;
        return schema.AdditionalProperties ?? Deduced;
    }

    /// <summary>The schema below a path element of any kind.</summary>
    public static TypeSchema ChildSchema(TypeSchema schema, PathElement pe, out bool declared)
    {
        if (pe.Kind == PathElementKind.Field)
        {
            return Field(schema, pe.FieldName!, out declared);
        }

        declared = false;
        return schema.Items ?? Deduced;
    }

    /// <summary>True when an object value under this schema is merged field by field (not atomic, not a scalar type).</summary>
    public static bool IsGranularObject(TypeSchema schema) =>
        !schema.Atomic && schema.Type is SchemaType.Object or SchemaType.Unknown;

    /// <summary>
    /// The list relationship: x-kubernetes-list-type first; failing that, built-in kinds' patch strategy
    /// "merge" implies a keyed list (with a merge key) or a set (without), as k8s' schema conversion does.
    /// </summary>
    public static ListKind ListKindOf(TypeSchema schema, out IReadOnlyList<string> keys)
    {
        keys = [];
        if (schema.Type is not (SchemaType.Array or SchemaType.Unknown) || schema.Items is null)
        {
            return ListKind.Atomic;
        }

        switch (schema.ListType)
        {
            case ListType.Map when schema.ListMapKeys.Count > 0:
                keys = schema.ListMapKeys;
                return ListKind.Keyed;
            case ListType.Set:
                return ListKind.Set;
            case ListType.Atomic when schema.PatchStrategy is not null && schema.PatchStrategy.Contains("merge", StringComparison.Ordinal):
                if (schema.PatchMergeKey is { Length: > 0 } mergeKey)
                {
                    keys = [mergeKey];
                    return ListKind.Keyed;
                }

                return ListKind.Set;
            default:
                return ListKind.Atomic;
        }
    }

    /// <summary>
    /// The path element naming a list item: its key fields (missing ones filled from schema defaults),
    /// or its value for sets. Throws 400 like SMD for items that cannot be named.
    /// </summary>
    public static PathElement ItemElement(ListKind kind, IReadOnlyList<string> keys, TypeSchema items, JsonNode? item)
    {
        if (kind == ListKind.Set)
        {
            if (item is JsonObject or JsonArray)
            {
                throw ApiException.BadRequest("associative list without keys has an element that's a map or list type");
            }

            return PathElement.ForValue(item);
        }

        if (item is not JsonObject obj)
        {
            throw ApiException.BadRequest("associative list with keys may not have non-map elements");
        }

        var fields = new List<KeyValuePair<string, JsonNode?>>(keys.Count);
        foreach (var key in keys)
        {
            if (obj.TryGetPropertyValue(key, out var value))
            {
                fields.Add(KeyValuePair.Create(key, value));
            }
            else if (items.Properties is not null && items.Properties.TryGetValue(key, out var keySchema) && keySchema.Default is { } def)
            {
                fields.Add(KeyValuePair.Create(key, (JsonNode?)def));
            }
        }

        if (fields.Count == 0)
        {
            throw ApiException.BadRequest($"associative list with keys has an element that omits all key fields [{string.Join(" ", keys)}] (and doesn't have default values for any key fields)");
        }

        return PathElement.Key(fields);
    }
}
