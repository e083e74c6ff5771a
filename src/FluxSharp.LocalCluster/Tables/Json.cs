using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluxSharp.LocalCluster.Tables;

/// <summary>Lenient readers over JsonObject paths: printers treat a missing field as Go's zero value.</summary>
internal static class Json
{
    public static JsonNode? At(JsonNode? node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(key, out node))
            {
                return null;
            }
        }

        return node;
    }

    public static string Str(JsonNode? node, params string[] path) =>
        At(node, path) is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "";

    public static long Int(JsonNode? node, params string[] path) => IntOrNull(node, path) ?? 0;

    public static long? IntOrNull(JsonNode? node, params string[] path) =>
        At(node, path) is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? (long)v.GetValue<double>() : null;

    public static bool? BoolOrNull(JsonNode? node, params string[] path) =>
        At(node, path) is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValue<bool>() : null;

    public static bool Bool(JsonNode? node, params string[] path) => BoolOrNull(node, path) ?? false;

    public static IEnumerable<JsonObject> Objects(JsonNode? node, params string[] path) =>
        At(node, path) is JsonArray a ? a.OfType<JsonObject>() : [];

    public static IEnumerable<string> Strings(JsonNode? node, params string[] path) =>
        At(node, path) is JsonArray a ? a.OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.String).Select(v => v.GetValue<string>()) : [];

    public static int Count(JsonNode? node, params string[] path) => At(node, path) switch
    {
        JsonArray a => a.Count,
        JsonObject o => o.Count,
        _ => 0,
    };

    /// <summary>An int-or-string or quantity as Go prints it (IntOrString.String()).</summary>
    public static string? Scalar(JsonNode? node, params string[] path) => At(node, path) switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v => v.ToJsonString(),
        _ => null,
    };
}
