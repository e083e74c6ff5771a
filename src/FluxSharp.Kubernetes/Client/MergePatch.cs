using System.Text.Json.Nodes;

namespace FluxSharp.Kubernetes.Client;

/// <summary>Builds the JSON merge patch (RFC 7386) that turns one document into another: removed keys become null.</summary>
public static class MergePatch
{
    /// <summary>Null when nothing differs.</summary>
    public static JsonObject? Diff(JsonObject? from, JsonObject to)
    {
        var patch = new JsonObject();
        if (from is not null)
        {
            foreach (var (key, _) in from)
            {
                if (!to.ContainsKey(key))
                {
                    patch[key] = null;
                }
            }
        }

        foreach (var (key, value) in to)
        {
            var old = from?[key];
            if (from is not null && from.ContainsKey(key) && JsonNode.DeepEquals(old, value))
            {
                continue;
            }

            if (old is JsonObject oldObj && value is JsonObject newObj)
            {
                var nested = Diff(oldObj, newObj);
                if (nested is not null)
                {
                    patch[key] = nested;
                }
            }
            else
            {
                patch[key] = value?.DeepClone();
            }
        }

        return patch.Count == 0 ? null : patch;
    }
}
