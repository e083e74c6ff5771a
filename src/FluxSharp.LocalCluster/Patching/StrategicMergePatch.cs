using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Schema;

namespace FluxSharp.LocalCluster.Patching;

/// <summary>
/// Kubernetes strategic merge patch (application/strategic-merge-patch+json), with the semantics of
/// k8s.io/apimachinery/pkg/util/strategicpatch as the API server runs it (StrategicMergeMapPatch):
/// <list type="bullet">
/// <item>maps merge recursively, a null member deletes;</item>
/// <item>a list whose schema says patch strategy "merge" merges: objects by their patch merge key,
/// primitives as a union; every other list is replaced;</item>
/// <item>directives: <c>$patch: replace|delete</c> in maps and list elements, <c>$retainKeys</c>,
/// <c>$setElementOrder/&lt;field&gt;</c>, <c>$deleteFromPrimitiveList/&lt;field&gt;</c>.</item>
/// </list>
/// Without a schema (or with an Unknown one) maps merge and lists are replaced, as in a merge patch.
/// Directive keys never reach the result, and null members of values that had nothing to merge with
/// are dropped (the server does the same when it discards unmatched nulls).
/// </summary>
public static class StrategicMergePatch
{
    internal const string PatchDirective = "$patch";
    internal const string RetainKeysDirective = "$retainKeys";
    internal const string SetElementOrderPrefix = "$setElementOrder";
    internal const string DeleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList";

    /// <summary>Applies <paramref name="patch"/> to a copy of <paramref name="target"/>, guided by <paramref name="schema"/>.</summary>
    public static JsonNode Apply(JsonNode target, JsonNode patch, TypeSchema? schema)
    {
        if (target is not JsonObject targetObject)
        {
            throw new ArgumentException("A strategic merge patch applies to a JSON object.", nameof(target));
        }

        if (patch is not JsonObject patchObject)
        {
            // The server decodes the body into a map first; Go's decoder words the failure like this.
            throw PatchErrors.BadRequest($"json: cannot unmarshal {KindName(patch)} into Go value of type map[string]interface {{}}");
        }

        return MergeObject((JsonObject)targetObject.DeepClone(), patchObject, schema);
    }

    /// <summary>
    /// Merges <paramref name="patch"/> into <paramref name="original"/>, which this call owns and may
    /// change; returns the merged object (not always the same instance: directives can replace it).
    /// </summary>
    internal static JsonObject MergeObject(JsonObject original, JsonObject patch, TypeSchema? schema)
    {
        if (patch.TryGetPropertyValue(PatchDirective, out var directive))
        {
            switch (DirectiveName(directive))
            {
                case "replace":
                    return (JsonObject)Cleaned(WithoutMember(patch, PatchDirective))!;
                case "delete":
                    // apimachinery answers an empty map, not an absent field.
                    return [];
                case "merge":
                    // Not accepted by apimachinery in maps ("unknown patch type"); taken here as the
                    // default behaviour it names, which cannot surprise a client that sends it.
                    break;
                default:
                    throw PatchErrors.Internal($"unknown patch type: {DirectiveName(directive)} in map: {PatchErrors.Show(patch)}");
            }
        }

        ApplyRetainKeys(original, patch);
        var ordered = ApplySetElementOrder(original, patch, schema);

        foreach (var (key, value) in patch)
        {
            if (key == PatchDirective || key == RetainKeysDirective || key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            if (key.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal))
            {
                DeleteFromList(original, FieldOfDirective(key, DeleteFromPrimitiveListPrefix), value);
                continue;
            }

            if (ordered.Contains(key))
            {
                continue;
            }

            MergeField(original, key, value, schema?.Field(key));
        }

        return original;
    }

    private static void MergeField(JsonObject original, string key, JsonNode? value, TypeSchema? fieldSchema)
    {
        if (value is null)
        {
            original.Remove(key);
            return;
        }

        original.TryGetPropertyValue(key, out var current);
        var strategy = new Strategy(fieldSchema);
        if (current is JsonObject currentObject && value is JsonObject patchObject && !strategy.Replace)
        {
            var merged = MergeObject(currentObject, patchObject, fieldSchema);
            if (!ReferenceEquals(merged, currentObject))
            {
                original[key] = merged;
            }
        }
        else if (current is JsonArray currentArray && value is JsonArray patchArray)
        {
            var merged = ListMerge.Merge(currentArray, patchArray, fieldSchema, key);
            if (!ReferenceEquals(merged, currentArray))
            {
                original[key] = merged;
            }
        }
        else
        {
            // New field, a scalar, a type change or a "replace" strategy: the patch value wins.
            SetCleaned(original, key, value);
        }
    }

    /// <summary>
    /// <c>$retainKeys</c>: the original keeps only the listed fields, and the patch may only set
    /// listed fields (nulls and other directives aside).
    /// </summary>
    private static void ApplyRetainKeys(JsonObject original, JsonObject patch)
    {
        if (!patch.TryGetPropertyValue(RetainKeysDirective, out var node))
        {
            return;
        }

        if (node is not JsonArray list)
        {
            throw PatchErrors.BadRequest("invalid patch format of retainKeys");
        }

        var retained = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list)
        {
            if (item is JsonValue value && value.TryGetValue<string>(out var name))
            {
                retained.Add(name);
            }
        }

        foreach (var (key, value) in patch)
        {
            var exempt = value is null
                || key == RetainKeysDirective
                || key == PatchDirective
                || key.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal)
                || key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal);
            if (!exempt && !retained.Contains(key))
            {
                throw PatchErrors.BadRequest("invalid patch format of retainKeys");
            }
        }

        foreach (var key in original.Select(member => member.Key).ToList())
        {
            if (!retained.Contains(key))
            {
                original.Remove(key);
            }
        }
    }

    /// <summary>
    /// <c>$setElementOrder/&lt;field&gt;</c>: merges the field's list (if the patch has one) and then
    /// orders it: listed elements in the directive's order, the server's other elements kept where
    /// they were relative to them. Returns the fields done here so the main loop skips them.
    /// </summary>
    private static HashSet<string> ApplySetElementOrder(JsonObject original, JsonObject patch, TypeSchema? schema)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, node) in patch)
        {
            if (!key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var field = FieldOfDirective(key, SetElementOrderPrefix);
            if (node is not JsonArray order)
            {
                throw PatchErrors.Internal($"expected a []interface {{}}, but received a {KindName(node)}");
            }

            original.TryGetPropertyValue(field, out var originalNode);
            patch.TryGetPropertyValue(field, out var patchNode);
            if (originalNode is not null and not JsonArray)
            {
                throw PatchErrors.Internal($"expected a []interface {{}}, but received a {KindName(originalNode)}");
            }

            if (patch.ContainsKey(field) && patchNode is not JsonArray)
            {
                // A null (delete) or a non-list value for the field: let the ordinary merge deal with it.
                continue;
            }

            var fieldSchema = schema?.Field(field);
            var mergeKey = new Strategy(fieldSchema).MergeKey;
            var originalList = originalNode as JsonArray;
            var patchList = patchNode as JsonArray;
            ListMerge.CheckOrderAgrees(patchList, order, mergeKey);

            // Taken before merging, which rearranges the original list in place.
            var serverOrder = originalList is null ? [] : ListMerge.Identities(originalList, mergeKey);

            JsonArray merged;
            if (originalList is not null && patchList is not null)
            {
                merged = ListMerge.Merge(originalList, patchList, fieldSchema, field);
            }
            else if (patchList is not null)
            {
                merged = (JsonArray)Cleaned(patchList)!;
            }
            else if (originalList is not null)
            {
                merged = originalList;
            }
            else
            {
                continue;
            }

            var reordered = ListMerge.Order(ListMerge.Take(merged), ListMerge.Identities(order, mergeKey), serverOrder, mergeKey);
            original[field] = reordered;
            done.Add(field);
        }

        return done;
    }

    /// <summary><c>$deleteFromPrimitiveList/&lt;field&gt;</c>: drops the listed values from the field, whatever its strategy.</summary>
    private static void DeleteFromList(JsonObject original, string field, JsonNode? toDelete)
    {
        if (toDelete is null)
        {
            // apimachinery treats a null here like any null: the field goes.
            original.Remove(field);
            return;
        }

        if (!original.TryGetPropertyValue(field, out var current) || current is not JsonArray list || toDelete is not JsonArray deletions)
        {
            // Nothing to delete from, or mismatched types: the directive is ignored, never written.
            return;
        }

        var kept = ListMerge.Take(list).Where(item => !deletions.Any(d => JsonNode.DeepEquals(d, item)));
        foreach (var item in kept)
        {
            list.Add(item);
        }
    }

    /// <summary>"$setElementOrder/containers" → "containers"; a directive without "/field" is malformed (400).</summary>
    private static string FieldOfDirective(string key, string prefix)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || key[..slash] != prefix)
        {
            throw PatchErrors.BadRequest(prefix == SetElementOrderPrefix
                ? "invalid patch format of setElementOrder list"
                : "invalid patch format of primitive list");
        }

        return key[(slash + 1)..];
    }

    private static void SetCleaned(JsonObject target, string key, JsonNode value)
    {
        var cleaned = Cleaned(value, out var keep);
        if (keep)
        {
            target[key] = cleaned;
        }
        else
        {
            target.Remove(key);
        }
    }

    internal static JsonNode? Cleaned(JsonNode? value) => Cleaned(value, out _);

    /// <summary>
    /// A fresh copy of a patch value taken as-is (nothing to merge with): maps carrying <c>$patch</c>
    /// are dropped (<paramref name="keep"/> false), other directive keys and null members removed.
    /// </summary>
    internal static JsonNode? Cleaned(JsonNode? value, out bool keep)
    {
        keep = true;
        switch (value)
        {
            case JsonObject obj:
                if (obj.ContainsKey(PatchDirective))
                {
                    keep = false;
                    return null;
                }

                var copy = new JsonObject();
                foreach (var (key, member) in obj)
                {
                    if (member is null || IsDirectiveKey(key))
                    {
                        continue;
                    }

                    var cleaned = Cleaned(member, out var keepMember);
                    if (keepMember)
                    {
                        copy[key] = cleaned;
                    }
                }

                return copy;
            case JsonArray array:
                var items = new JsonArray();
                foreach (var item in array)
                {
                    var cleaned = Cleaned(item, out var keepItem);
                    if (keepItem)
                    {
                        items.Add(cleaned);
                    }
                }

                return items;
            default:
                return value?.DeepClone();
        }
    }

    internal static bool IsDirectiveKey(string key) =>
        key == PatchDirective
        || key == RetainKeysDirective
        || key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal)
        || key.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal);

    internal static string? DirectiveName(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : PatchErrors.Show(node);

    internal static JsonObject WithoutMember(JsonObject obj, string name)
    {
        var copy = new JsonObject();
        foreach (var (key, member) in obj)
        {
            if (key != name)
            {
                copy[key] = member?.DeepClone();
            }
        }

        return copy;
    }

    /// <summary>Go's name for a decoded JSON value's kind, for messages that mirror apimachinery's.</summary>
    internal static string KindName(JsonNode? node) => node switch
    {
        null => "<nil>",
        JsonObject => "map[string]interface {}",
        JsonArray => "[]interface {}",
        _ => node.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.String => "string",
            System.Text.Json.JsonValueKind.Number => "float64",
            _ => "bool",
        },
    };

    /// <summary>The patch strategy and merge key a schema declares for a field.</summary>
    internal readonly struct Strategy
    {
        public Strategy(TypeSchema? fieldSchema)
        {
            var parts = (fieldSchema?.PatchStrategy ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            Merge = parts.Contains("merge");
            Replace = parts.Contains("replace");
            MergeKey = string.IsNullOrEmpty(fieldSchema?.PatchMergeKey) ? null : fieldSchema.PatchMergeKey;
        }

        public bool Merge { get; }

        public bool Replace { get; }

        public string? MergeKey { get; }
    }
}
