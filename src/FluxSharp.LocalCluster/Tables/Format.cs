using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluxSharp.Formats;

namespace FluxSharp.LocalCluster.Tables;

/// <summary>String helpers the k8s printers share (labels, selectors, container lists, ages).</summary>
internal static class Format
{
    public static JsonNode? S(string value) => JsonValue.Create(value);

    public static JsonNode? I(long value) => JsonValue.Create(value);

    public static JsonNode? B(bool value) => JsonValue.Create(value);

    public static string Age(JsonObject obj, DateTimeOffset now) =>
        HumanDuration.Since(Json.Str(obj, "metadata", "creationTimestamp"), now);

    public static string Name(JsonObject obj) => Json.Str(obj, "metadata", "name");

    public static bool Deleting(JsonObject obj) => Json.Str(obj, "metadata", "deletionTimestamp").Length > 0;

    /// <summary>creationTimestamp as RFC3339 UTC ("Created At" columns of the default convertor and Role printers).</summary>
    public static string CreatedAt(JsonObject obj) =>
        HumanDuration.TryParse(Json.Str(obj, "metadata", "creationTimestamp"), out var t)
            ? t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : "0001-01-01T00:00:00Z";

    /// <summary>labels.FormatLabels: sorted k=v pairs, "&lt;none&gt;" when empty.</summary>
    public static string Labels(JsonNode? map)
    {
        if (map is not JsonObject o || o.Count == 0)
        {
            return "<none>";
        }

        return string.Join(",", o.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={Text(kv.Value)}"));
    }

    /// <summary>labels.Selector.String() of a metav1.LabelSelector: requirements sorted by key; "" when it selects everything.</summary>
    public static string Selector(JsonNode? selector)
    {
        if (selector is not JsonObject o)
        {
            return "";
        }

        var requirements = new List<(string Key, string Text)>();
        if (o["matchLabels"] is JsonObject ml)
        {
            requirements.AddRange(ml.Select(kv => (kv.Key, $"{kv.Key}={Text(kv.Value)}")));
        }

        foreach (var expr in Json.Objects(o, "matchExpressions"))
        {
            var key = Json.Str(expr, "key");
            var values = string.Join(",", Json.Strings(expr, "values").Order(StringComparer.Ordinal));
            var text = Json.Str(expr, "operator") switch
            {
                "In" => $"{key} in ({values})",
                "NotIn" => $"{key} notin ({values})",
                "Exists" => key,
                "DoesNotExist" => "!" + key,
                _ => "<error>",
            };
            requirements.Add((key, text));
        }

        return string.Join(",", requirements.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Text));
    }

    /// <summary>metav1.FormatLabelSelector: like <see cref="Selector"/> but "&lt;none&gt;" when empty.</summary>
    public static string LabelSelector(JsonNode? selector)
    {
        var s = Selector(selector);
        return s.Length == 0 ? "<none>" : s;
    }

    /// <summary>layoutContainerCells: comma-joined container names and images.</summary>
    public static (string Names, string Images) Containers(JsonNode? podSpec)
    {
        var containers = Json.Objects(podSpec, "containers").ToList();
        return (string.Join(",", containers.Select(c => Json.Str(c, "name"))), string.Join(",", containers.Select(c => Json.Str(c, "image"))));
    }

    /// <summary>A JSON scalar as text (strings unquoted).</summary>
    public static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => node.ToJsonString(),
    };

    /// <summary>A replicas field defaulted the way the apiserver would have defaulted it (1).</summary>
    public static long Replicas(JsonObject obj) => Json.IntOrNull(obj, "spec", "replicas") ?? 1;
}
