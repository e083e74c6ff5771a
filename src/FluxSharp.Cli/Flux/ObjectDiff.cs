using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluxSharp.Formats;

namespace FluxSharp.Cli.Flux;

/// <summary>
/// The changes between a live object and its dry-run, printed the way `flux diff` prints them with dyff: one block per
/// changed path (dot style; list entries with a name are addressed by it), then what changed. Server-managed metadata
/// and status are left out; Secret values are masked as fluxcd/pkg/ssa does (***, *** (before), *** (after)).
/// </summary>
internal static class ObjectDiff
{
    private const string Mask = "***";
    private static readonly string[] Numbers = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];

    public static string Report(JsonObject live, JsonObject dryRun)
    {
        var from = Clean(live);
        var to = Clean(dryRun);
        if ((string?)to["kind"] == "Secret")
        {
            MaskSecret(from, to);
        }

        var blocks = new List<(string Path, string Details)>();
        Compare(string.Empty, from, to, blocks);
        var text = new StringBuilder();
        foreach (var (path, details) in blocks)
        {
            text.Append('\n').Append(path.Length == 0 ? "(root level)" : path).Append('\n').Append(details);
        }

        return text.Append('\n').ToString();
    }

    /// <summary>The object without what the server manages (managedFields, generation, resourceVersion) and status.</summary>
    private static JsonObject Clean(JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        copy.Remove("status");
        if (copy["metadata"] is JsonObject meta)
        {
            meta.Remove("managedFields");
            meta.Remove("generation");
            meta.Remove("resourceVersion");
        }

        return copy;
    }

    /// <summary>fluxcd/pkg/ssa's SanitizeUnstructuredData, on data and stringData, and on kubectl's last-applied copy (it holds the values too).</summary>
    private static void MaskSecret(JsonObject from, JsonObject to)
    {
        foreach (var field in new[] { "data", "stringData" })
        {
            MaskMap(from[field] as JsonObject, to[field] as JsonObject);
        }

        MaskMap(from["metadata"]?["annotations"] as JsonObject, to["metadata"]?["annotations"] as JsonObject, "kubectl.kubernetes.io/last-applied-configuration");
    }

    private static void MaskMap(JsonObject? old, JsonObject? current, string? onlyKey = null)
    {
        var keys = (old?.Select(kv => kv.Key) ?? []).Union(current?.Select(kv => kv.Key) ?? []).Where(k => onlyKey is null || k == onlyKey).ToList();
        foreach (var key in keys)
        {
            var inOld = old?.ContainsKey(key) == true;
            var inNew = current?.ContainsKey(key) == true;
            var differ = inOld && inNew && !JsonNode.DeepEquals(old![key], current![key]);
            if (inOld)
            {
                old![key] = differ ? Mask + " (before)" : Mask;
            }

            if (inNew)
            {
                current![key] = differ ? Mask + " (after)" : Mask;
            }
        }
    }

    private static void Compare(string path, JsonNode? a, JsonNode? b, List<(string, string)> blocks)
    {
        if (JsonNode.DeepEquals(a, b))
        {
            return;
        }

        switch (a, b)
        {
            case (JsonObject x, JsonObject y):
                var removed = x.Where(kv => !y.ContainsKey(kv.Key)).Select(kv => kv.Key).ToList();
                var added = y.Where(kv => !x.ContainsKey(kv.Key)).Select(kv => kv.Key).ToList();
                if (removed.Count > 0)
                {
                    blocks.Add((path, Entries('-', removed.Count, "map entry", "map entries", "removed", Subset(x, removed))));
                }

                if (added.Count > 0)
                {
                    blocks.Add((path, Entries('+', added.Count, "map entry", "map entries", "added", Subset(y, added))));
                }

                foreach (var (key, value) in x)
                {
                    if (y.TryGetPropertyValue(key, out var other))
                    {
                        Compare(Join(path, key), value, other, blocks);
                    }
                }

                break;
            case (JsonArray x, JsonArray y) when Named(x) && Named(y):
                var names = y.Select(NameOf).ToHashSet(StringComparer.Ordinal);
                var oldNames = x.Select(NameOf).ToHashSet(StringComparer.Ordinal);
                var gone = x.Where(i => !names.Contains(NameOf(i))).ToList();
                var come = y.Where(i => !oldNames.Contains(NameOf(i))).ToList();
                if (gone.Count > 0)
                {
                    blocks.Add((path, Entries('-', gone.Count, "list entry", "list entries", "removed", new JsonArray([.. gone.Select(i => i?.DeepClone())]))));
                }

                if (come.Count > 0)
                {
                    blocks.Add((path, Entries('+', come.Count, "list entry", "list entries", "added", new JsonArray([.. come.Select(i => i?.DeepClone())]))));
                }

                foreach (var item in x)
                {
                    if (y.FirstOrDefault(i => NameOf(i) == NameOf(item)) is { } match)
                    {
                        Compare(Join(path, NameOf(item)), item, match, blocks);
                    }
                }

                break;
            case (JsonArray x, JsonArray y) when x.Count == y.Count:
                for (var i = 0; i < x.Count; i++)
                {
                    Compare(Join(path, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), x[i], y[i], blocks);
                }

                break;
            default:
                blocks.Add((path, $"  ± value change\n{Value('-', a)}{Value('+', b)}"));
                break;
        }
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    private static bool Named(JsonArray list) => list.Count > 0 && list.All(i => i is JsonObject o && o["name"] is JsonValue v && v.GetValueKind() == JsonValueKind.String);

    private static string NameOf(JsonNode? item) => (string?)item?["name"] ?? string.Empty;

    private static JsonObject Subset(JsonObject map, List<string> keys) => new(keys.Select(k => KeyValuePair.Create(k, map[k]?.DeepClone())));

    private static string Entries(char sign, int count, string one, string many, string verb, JsonNode node) =>
        $"  {sign} {(count < Numbers.Length ? Numbers[count] : count.ToString(System.Globalization.CultureInfo.InvariantCulture))} {(count == 1 ? one : many)} {verb}:\n{Indent(YamlJson.Serialize(node), 4)}";

    /// <summary>One side of a value change: a scalar on the sign's line, anything bigger as indented YAML below it.</summary>
    private static string Value(char sign, JsonNode? node)
    {
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String && !v.GetValue<string>().Contains('\n', StringComparison.Ordinal))
        {
            return $"    {sign} {v.GetValue<string>()}\n";
        }

        var yaml = node is null ? "null\n" : YamlJson.Serialize(node);
        return yaml.Count(c => c == '\n') <= 1 ? $"    {sign} {yaml.TrimEnd('\n')}\n" : $"    {sign}\n{Indent(yaml, 6)}";
    }

    private static string Indent(string text, int spaces)
    {
        var pad = new string(' ', spaces);
        return string.Concat(text.TrimEnd('\n').Split('\n').Select(line => pad + line + "\n"));
    }
}
