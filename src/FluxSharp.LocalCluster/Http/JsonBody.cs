using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluxSharp.LocalCluster.Http;

/// <summary>
/// Parses a JSON request body as Go's decoder does: a key given twice in one object keeps its last value, and each
/// such key is reported by its path ("spec.paused", "spec.containers[0].image") for fieldValidation to warn or refuse.
/// </summary>
internal static class JsonBody
{
    public static (JsonNode? Node, List<string> Duplicates) Parse(string text)
    {
        // Not disposed: the values below keep referring to the document, as JsonNode.Parse's do.
        var doc = JsonDocument.Parse(text);
        var duplicates = new List<string>();
        return (Convert(doc.RootElement, string.Empty, duplicates), duplicates);
    }

    private static JsonNode? Convert(JsonElement element, string path, List<string> duplicates)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var obj = new JsonObject();
                foreach (var property in element.EnumerateObject())
                {
                    var child = path.Length == 0 ? property.Name : path + "." + property.Name;
                    if (obj.ContainsKey(property.Name))
                    {
                        duplicates.Add(child);
                        obj.Remove(property.Name);
                    }

                    obj[property.Name] = Convert(property.Value, child, duplicates);
                }

                return obj;
            case JsonValueKind.Array:
                var array = new JsonArray();
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    array.Add(Convert(item, $"{path}[{i++}]", duplicates));
                }

                return array;
            case JsonValueKind.Null:
                return null;
            default:
                return JsonValue.Create(element);
        }
    }
}
