using System.Text.Json.Nodes;

namespace FluxSharp.LocalCluster.Patching;

/// <summary>
/// RFC 7386 JSON Merge Patch (application/merge-patch+json): objects merge member by member, a null
/// member deletes, anything else (arrays included) replaces. Inputs are never modified.
/// </summary>
public static class MergePatch
{
    /// <summary>
    /// Applies <paramref name="patch"/> to <paramref name="target"/>. A non-object patch is the result
    /// itself; a non-object target is treated as an empty object.
    /// </summary>
    public static JsonNode? Apply(JsonNode? target, JsonNode patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject targetObject ? (JsonObject)targetObject.DeepClone() : [];
        MergeInto(result, patchObject);
        return result;
    }

    private static void MergeInto(JsonObject result, JsonObject patch)
    {
        foreach (var (key, value) in patch)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else if (value is JsonObject patchChild && result.TryGetPropertyValue(key, out var current) && current is JsonObject currentChild)
            {
                MergeInto(currentChild, patchChild);
            }
            else
            {
                result[key] = WithoutNullMembers(value);
            }
        }
    }

    /// <summary>
    /// A copy of a value written where nothing merges with it. Its null members carry no meaning
    /// (there is nothing to delete), and evanphx/json-patch, which the API server uses, prunes them,
    /// also inside objects held in arrays; null array elements stay.
    /// </summary>
    internal static JsonNode? WithoutNullMembers(JsonNode? value)
    {
        switch (value)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (key, member) in obj)
                {
                    if (member is not null)
                    {
                        copy[key] = WithoutNullMembers(member);
                    }
                }

                return copy;
            case JsonArray array:
                var items = new JsonArray();
                foreach (var item in array)
                {
                    items.Add(WithoutNullMembers(item));
                }

                return items;
            default:
                return value?.DeepClone();
        }
    }
}
