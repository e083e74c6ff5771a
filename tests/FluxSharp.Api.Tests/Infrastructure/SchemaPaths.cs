using System.Text.Json.Nodes;

namespace FluxSharp.Api.Tests.Infrastructure;

/// <summary>
/// Flattens an OpenAPI v3 schema into field paths: ".spec.url", ".spec.include[].repository.name",
/// ".status.artifact.metadata{}" (map values). The root is "".
/// </summary>
internal static class SchemaPaths
{
    public static SortedDictionary<string, JsonObject> Flatten(JsonObject schema)
    {
        var result = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        Walk(schema, string.Empty, result);
        return result;
    }

    private static void Walk(JsonObject schema, string path, SortedDictionary<string, JsonObject> result)
    {
        result[path] = schema;
        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (name, child) in properties)
            {
                if (child is JsonObject childSchema)
                {
                    Walk(childSchema, $"{path}.{name}", result);
                }
            }
        }

        if (schema["items"] is JsonObject items)
        {
            Walk(items, path + "[]", result);
        }

        if (schema["additionalProperties"] is JsonObject values)
        {
            Walk(values, path + "{}", result);
        }
    }
}
