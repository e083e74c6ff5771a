using System.Text.Json.Nodes;

namespace FluxSharp.Kubernetes.Apply;

/// <summary>Label and annotation look-ups that decide what an apply or delete may touch.</summary>
public static class Ownership
{
    /// <summary>True when any key=value of <paramref name="selector"/> is among the object's labels or annotations (Flux's AnyInMetadata).</summary>
    public static bool AnyInMetadata(JsonObject? obj, IReadOnlyDictionary<string, string>? selector)
    {
        if (obj is null || selector is null || selector.Count == 0)
        {
            return false;
        }

        foreach (var (key, value) in selector)
        {
            if (Matches(obj["metadata"]?["labels"]?[key], value) || Matches(obj["metadata"]?["annotations"]?[key], value))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when the object's labels contain every key=value of <paramref name="labels"/>.</summary>
    public static bool HasLabels(JsonObject obj, IReadOnlyDictionary<string, string>? labels)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return labels is null || labels.All(kv => Matches(obj["metadata"]?["labels"]?[kv.Key], kv.Value, ignoreCase: false));
    }

    private static bool Matches(JsonNode? node, string value, bool ignoreCase = true) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) && string.Equals(s, value, ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}
