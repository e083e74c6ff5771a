using System.Text.Json.Nodes;

namespace FluxSharp.Kubernetes.Apply;

/// <summary>
/// Flux's metadata cleanup before an apply: drops annotations such as kubectl's last-applied configuration and
/// hands the fields of kubectl-like managers to our apply manager (their managedFields entries are merged into
/// ours), so the next apply removes what they added and the manifest lacks. Built as one JSON patch.
/// </summary>
public static class ManagedFieldsCleanup
{
    /// <summary>The JSON patch (RFC 6902) to send, or null when nothing needs cleaning.</summary>
    public static JsonArray? BuildPatch(JsonObject live, string fieldManager, IReadOnlyList<FieldManagerMatch> managers, IReadOnlyList<string> annotations)
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(managers);
        ArgumentNullException.ThrowIfNull(annotations);
        var patch = new JsonArray();
        if (live["metadata"]?["annotations"] is JsonObject liveAnnotations)
        {
            foreach (var key in annotations.Where(liveAnnotations.ContainsKey))
            {
                patch.Add(new JsonObject { ["op"] = "remove", ["path"] = "/metadata/annotations/" + Escape(key) });
            }
        }

        if (ReplaceManagers(live, fieldManager, managers) is { } entries)
        {
            patch.Add(new JsonObject { ["op"] = "replace", ["path"] = "/metadata/managedFields", ["value"] = entries });
        }

        return patch.Count == 0 ? null : patch;
    }

    /// <summary>The managedFields with matching managers folded into <paramref name="fieldManager"/>'s Apply entry; null when none match.</summary>
    public static JsonArray? ReplaceManagers(JsonObject live, string fieldManager, IReadOnlyList<FieldManagerMatch> managers)
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(managers);
        if (live["metadata"]?["managedFields"] is not JsonArray fields || fields.Count == 0)
        {
            return null;
        }

        var entries = fields.OfType<JsonObject>().Select(e => (JsonObject)e.DeepClone()).ToList();
        var own = entries.Find(e => (string?)e["manager"] == fieldManager && (string?)e["operation"] == "Apply" && string.IsNullOrEmpty((string?)e["subresource"]));
        var kept = new List<JsonObject>();
        var edited = false;
        foreach (var entry in entries)
        {
            if (ReferenceEquals(entry, own))
            {
                continue;
            }

            var manager = (string?)entry["manager"] ?? string.Empty;
            var operation = (string?)entry["operation"] ?? string.Empty;
            var matches = string.IsNullOrEmpty((string?)entry["subresource"])
                && managers.Any(m => manager.StartsWith(m.NamePrefix, StringComparison.Ordinal) && operation == m.Operation);
            if (!matches)
            {
                kept.Add(entry);
                continue;
            }

            edited = true;
            if (own is null)
            {
                own = entry;
                own["manager"] = fieldManager;
                own["operation"] = "Apply";
            }
            else
            {
                own["fieldsV1"] = Union(own["fieldsV1"] as JsonObject, entry["fieldsV1"] as JsonObject);
            }
        }

        if (!edited)
        {
            return null;
        }

        kept.Add(own!);
        return new JsonArray(kept.Select(e => (JsonNode?)e).ToArray());
    }

    /// <summary>The union of two FieldsV1 sets (trees whose leaves are empty objects).</summary>
    public static JsonObject Union(JsonObject? a, JsonObject? b)
    {
        var result = (JsonObject?)a?.DeepClone() ?? [];
        foreach (var (key, value) in b ?? [])
        {
            if (result[key] is JsonObject existing && value is JsonObject incoming)
            {
                result[key] = Union(existing, incoming);
            }
            else if (!result.ContainsKey(key))
            {
                result[key] = value?.DeepClone();
            }
        }

        return result;
    }

    private static string Escape(string key) => key.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
