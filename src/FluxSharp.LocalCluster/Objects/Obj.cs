using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluxSharp.LocalCluster.Objects;

/// <summary>Small accessors over an object held as JSON (the server stores objects as JsonObject).</summary>
public static class Obj
{
    /// <summary>Output as the real server writes it: no needless escaping of quotes, &lt; or &gt;.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonObject Metadata(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject m)
        {
            return m;
        }

        m = new JsonObject();
        obj["metadata"] = m;
        return m;
    }

    public static string? Str(JsonNode? node, params string[] path)
    {
        var n = At(node, path);
        return n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
    }

    public static JsonNode? At(JsonNode? node, params string[] path)
    {
        foreach (var p in path)
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(p, out node))
            {
                return null;
            }
        }

        return node;
    }

    public static long? Long(JsonNode? node, params string[] path)
    {
        var n = At(node, path);
        if (n is JsonValue v)
        {
            if (v.TryGetValue<long>(out var l))
            {
                return l;
            }

            if (v.TryGetValue<int>(out var i))
            {
                return i;
            }

            if (v.TryGetValue<double>(out var d))
            {
                return (long)d;
            }

            if (v.TryGetValue<JsonElement>(out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var el))
            {
                return el;
            }
        }

        return null;
    }

    public static string Name(JsonObject obj) => Str(obj, "metadata", "name") ?? string.Empty;

    public static string? Namespace(JsonObject obj) => Str(obj, "metadata", "namespace");

    public static string? Uid(JsonObject obj) => Str(obj, "metadata", "uid");

    public static string? ResourceVersion(JsonObject obj) => Str(obj, "metadata", "resourceVersion");

    public static bool IsDeleting(JsonObject obj) => At(obj, "metadata", "deletionTimestamp") is not null;

    public static List<string> Finalizers(JsonObject obj) =>
        At(obj, "metadata", "finalizers") is JsonArray a ? a.Select(x => x?.GetValue<string>() ?? string.Empty).ToList() : [];

    public static void SetFinalizers(JsonObject obj, IEnumerable<string> finalizers)
    {
        var list = finalizers.ToList();
        var meta = Metadata(obj);
        if (list.Count == 0)
        {
            meta.Remove("finalizers");
        }
        else
        {
            meta["finalizers"] = new JsonArray(list.Select(f => (JsonNode?)JsonValue.Create(f)).ToArray());
        }
    }

    public static Dictionary<string, string> Labels(JsonObject obj)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (At(obj, "metadata", "labels") is JsonObject labels)
        {
            foreach (var (k, v) in labels)
            {
                result[k] = v is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : v?.ToJsonString() ?? string.Empty;
            }
        }

        return result;
    }

    public static string Timestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset? ParseTimestamp(string? s) =>
        DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    /// <summary>Structural equality of two JSON trees (object key order ignored, numbers compared by value).</summary>
    public static bool DeepEquals(JsonNode? a, JsonNode? b) => JsonNode.DeepEquals(a, b);

    public static JsonObject Clone(JsonObject obj) => (JsonObject)obj.DeepClone();

    public static JsonObject Parse(string json) =>
        JsonNode.Parse(json) as JsonObject ?? throw ApiException.BadRequest("the body is not a JSON object");
}
