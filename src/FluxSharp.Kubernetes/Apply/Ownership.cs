using System.Text.Json.Nodes;
using FluxSharp.Api;

namespace FluxSharp.Kubernetes.Apply;

/// <summary>The owner labels Flux puts on everything a Kustomization applies, and metadata look-ups.</summary>
public static class Ownership
{
    public static IReadOnlyDictionary<string, string> OwnerLabels(string name, string ns) => new Dictionary<string, string>
    {
        [FluxLabels.KustomizationName] = name,
        [FluxLabels.KustomizationNamespace] = ns,
    };

    /// <summary>Adds (overwrites) the owner labels on each object.</summary>
    public static void SetOwnerLabels(IEnumerable<JsonObject> objects, string name, string ns)
    {
        ArgumentNullException.ThrowIfNull(objects);
        foreach (var obj in objects)
        {
            var meta = obj["metadata"] as JsonObject ?? (JsonObject)(obj["metadata"] = new JsonObject());
            var labels = meta["labels"] as JsonObject ?? (JsonObject)(meta["labels"] = new JsonObject());
            foreach (var (k, v) in OwnerLabels(name, ns))
            {
                labels[k] = v;
            }
        }
    }

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
