using System.Text.Json.Nodes;

namespace FluxSharp.LocalCluster.Schema;

/// <summary>
/// Structural pruning as the apiserver does for custom resources: fields a schema does not declare
/// are dropped, except under x-kubernetes-preserve-unknown-fields. apiVersion, kind and metadata of
/// the root and of embedded resources are always kept (metadata is pruned as ObjectMeta).
/// </summary>
public static class SchemaPruner
{
    /// <summary>Removes undeclared fields in place; returns their paths ("spec.foo", "spec.items[0].bar") in document order.</summary>
    public static IReadOnlyList<string> Prune(JsonObject obj, TypeSchema schema)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(schema);
        var pruned = new List<string>();
        PruneObject(obj, schema, string.Empty, isResource: true, pruned);
        return pruned;
    }

    private static void PruneNode(JsonNode? node, TypeSchema schema, string path, List<string> pruned)
    {
        switch (node)
        {
            case JsonObject obj:
                PruneObject(obj, schema, path, schema.EmbeddedResource, pruned);
                break;
            case JsonArray array when schema.Items is not null:
                for (var i = 0; i < array.Count; i++)
                {
                    PruneNode(array[i], schema.Items, $"{path}[{i}]", pruned);
                }

                break;
        }
    }

    private static void PruneObject(JsonObject obj, TypeSchema schema, string path, bool isResource, List<string> pruned)
    {
        // A schema without structure ({} or preserve-unknown-fields alone) keeps everything below it.
        var keepsUnknown = schema.PreserveUnknownFields || (schema.Type == SchemaType.Unknown && schema.Properties is null && schema.AdditionalProperties is null);
        foreach (var (name, value) in obj.ToList())
        {
            var childPath = path.Length == 0 ? name : $"{path}.{name}";
            TypeSchema? child = null;
            if (schema.Properties is not null && schema.Properties.TryGetValue(name, out var declared))
            {
                child = declared;
            }
            else if (schema.AdditionalProperties is not null)
            {
                child = schema.AdditionalProperties;
                childPath = $"{path}[{name}]";
            }

            if (child is null)
            {
                if (isResource && name is "apiVersion" or "kind")
                {
                    continue;
                }

                if (!keepsUnknown)
                {
                    obj.Remove(name);
                    pruned.Add(childPath);
                }

                continue;
            }

            PruneNode(value, child, childPath, pruned);
        }
    }
}

/// <summary>Unknown-field detection for fieldValidation=Strict/Warn (the fields pruning would drop).</summary>
public static class UnknownFields
{
    /// <summary>Paths of undeclared fields, as the apiserver quotes them ("spec.foo", "spec.containers[0].bar"); the object is not changed.</summary>
    public static IReadOnlyList<string> Find(JsonObject obj, TypeSchema schema)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return SchemaPruner.Prune((JsonObject)obj.DeepClone(), schema);
    }

    /// <summary>One warning per field, as sent in Warning headers for fieldValidation=Warn: <c>unknown field "spec.foo"</c>.</summary>
    public static IEnumerable<string> Warnings(IEnumerable<string> paths) => paths.Select(p => $"unknown field \"{p}\"");

    /// <summary>
    /// The BadRequest message for fieldValidation=Strict, e.g.
    /// <c>Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo"</c>.
    /// </summary>
    public static string StrictErrorMessage(string kind, string version, IEnumerable<string> paths) =>
        $"{kind} in version \"{version}\" cannot be handled as a {kind}: strict decoding error: {string.Join(", ", Warnings(paths))}";
}
