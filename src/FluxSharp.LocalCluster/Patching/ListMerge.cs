using System.Text.Json;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Schema;

namespace FluxSharp.LocalCluster.Patching;

/// <summary>
/// The list half of strategic merge patch: merging lists by key or as sets, the <c>$patch</c>
/// elements, and the element order apimachinery produces.
/// </summary>
internal static class ListMerge
{
    /// <summary>
    /// Merges <paramref name="patch"/> into <paramref name="original"/> (which may be emptied and
    /// reused) per the field's strategy; lists without strategy "merge" are replaced.
    /// </summary>
    public static JsonArray Merge(JsonArray original, JsonArray patch, TypeSchema? fieldSchema, string field)
    {
        var strategy = new StrategicMergePatch.Strategy(fieldSchema);
        if (!strategy.Merge)
        {
            return (JsonArray)StrategicMergePatch.Cleaned(patch)!;
        }

        if (original.Count == 0 && patch.Count == 0)
        {
            return original;
        }

        return ElementKind(original, patch) == JsonValueKind.Object
            ? MergeObjects(original, patch, fieldSchema?.Items, strategy.MergeKey, field)
            : MergePrimitives(original, patch);
    }

    /// <summary>A set union: the original's values, then the patch's new ones; duplicates collapse.</summary>
    private static JsonArray MergePrimitives(JsonArray original, JsonArray patch)
    {
        var serverOrder = Identities(original, null);
        var merged = new List<JsonNode?>();
        foreach (var item in Take(original).Concat(patch.Select(p => p?.DeepClone())))
        {
            if (IndexOf(merged, item) < 0)
            {
                merged.Add(item);
            }
        }

        return Order(merged, Identities(patch, null), serverOrder, null);
    }

    private static JsonArray MergeObjects(JsonArray original, JsonArray patch, TypeSchema? itemSchema, string? mergeKey, string field)
    {
        if (mergeKey is null)
        {
            throw PatchErrors.Internal($"cannot merge lists without merge key for {field}");
        }

        var items = Take(original);
        var elements = new List<JsonObject>();
        var replace = false;
        foreach (var node in patch)
        {
            var element = (JsonObject)node!;
            if (!element.TryGetPropertyValue(StrategicMergePatch.PatchDirective, out var directive))
            {
                elements.Add(element);
                continue;
            }

            switch (StrategicMergePatch.DirectiveName(directive))
            {
                case "delete":
                    var key = KeyOf(element, mergeKey);
                    items.RemoveAll(item => HasKey(item, mergeKey, key));
                    break;
                case "replace":
                    // The whole list becomes the patch's other elements; keep going to drop other directives.
                    replace = true;
                    break;
                case "merge":
                    // apimachinery refuses it ("merging lists cannot yet be specified"); here it just means
                    // "merge this element", which is what an element without directive does anyway.
                    if (element.ContainsKey(mergeKey))
                    {
                        elements.Add(StrategicMergePatch.WithoutMember(element, StrategicMergePatch.PatchDirective));
                    }

                    break;
                default:
                    throw PatchErrors.Internal($"unknown patch type: {StrategicMergePatch.DirectiveName(directive)} in map: {PatchErrors.Show(element)}");
            }
        }

        if (replace)
        {
            return [.. elements.Select(e => StrategicMergePatch.Cleaned(e))];
        }

        var serverOrder = Identities(items, mergeKey);
        foreach (var element in elements)
        {
            var key = KeyOf(element, mergeKey);
            var index = items.FindIndex(item => HasKey(item, mergeKey, key));
            if (index >= 0)
            {
                items[index] = StrategicMergePatch.MergeObject((JsonObject)items[index]!, element, itemSchema);
            }
            else
            {
                items.Add(StrategicMergePatch.Cleaned(element));
            }
        }

        return Order(items, Identities(elements, mergeKey), serverOrder, mergeKey);
    }

    /// <summary>
    /// The order apimachinery gives a merged list: elements named by <paramref name="patchOrder"/>
    /// in that order, the others in server order, then the two interleaved by their server
    /// positions. An element the server never had goes before the server-only element it is
    /// compared with, which is why a new list element lands in front when no
    /// <c>$setElementOrder</c> says otherwise.
    /// </summary>
    public static JsonArray Order(List<JsonNode?> merged, List<JsonNode?> patchOrder, List<JsonNode?> serverOrder, string? mergeKey)
    {
        var fromPatch = new List<(JsonNode? Item, int Position)>();
        var serverOnly = new List<(JsonNode? Item, int Position)>();
        foreach (var item in merged)
        {
            var identity = Identity(item, mergeKey);
            var inPatch = IndexOf(patchOrder, identity);
            if (inPatch >= 0)
            {
                fromPatch.Add((item, inPatch));
            }
            else
            {
                var onServer = IndexOf(serverOrder, identity);
                serverOnly.Add((item, onServer < 0 ? int.MaxValue : onServer));
            }
        }

        // OrderBy is stable, so ties keep their merged order.
        var left = serverOnly.OrderBy(e => e.Position).Select(e => e.Item).ToList();
        var right = fromPatch.OrderBy(e => e.Position).Select(e => e.Item).ToList();
        var result = new JsonArray();
        int i = 0, j = 0;
        while (i < left.Count || j < right.Count)
        {
            bool takeLeft;
            if (j >= right.Count)
            {
                takeLeft = true;
            }
            else if (i >= left.Count)
            {
                takeLeft = false;
            }
            else
            {
                var leftAt = IndexOf(serverOrder, Identity(left[i], mergeKey));
                var rightAt = IndexOf(serverOrder, Identity(right[j], mergeKey));
                takeLeft = leftAt >= 0 && rightAt >= 0 && leftAt < rightAt;
            }

            result.Add(takeLeft ? left[i++] : right[j++]);
        }

        return result;
    }

    /// <summary>
    /// <c>$setElementOrder</c> must list the patch's elements in the patch's own order
    /// (deletions and other directive elements aside).
    /// </summary>
    public static void CheckOrderAgrees(JsonArray? patchList, JsonArray order, string? mergeKey)
    {
        if (patchList is null || patchList.Count == 0 || order.Count == 0)
        {
            return;
        }

        var candidates = patchList.Where(item => mergeKey is null || !IsDeleteElement(item)).ToList();
        int p = 0, o = 0;
        while (p < candidates.Count && o < order.Count)
        {
            if (candidates[p] is JsonObject withDirective && withDirective.ContainsKey(StrategicMergePatch.PatchDirective))
            {
                p++;
                continue;
            }

            if (JsonNode.DeepEquals(OrderKey(candidates[p], mergeKey), OrderKey(order[o], mergeKey)))
            {
                p++;
            }

            o++;
        }

        if (p < candidates.Count)
        {
            throw PatchErrors.Internal(
                $"The order in patch list:\n{PatchErrors.Show(patchList)}\n doesn't match {StrategicMergePatch.SetElementOrderPrefix} list:\n{PatchErrors.Show(order)}\n");
        }
    }

    /// <summary>What identifies an element for ordering: its merge key value, or itself for primitives. Copies.</summary>
    public static List<JsonNode?> Identities(IEnumerable<JsonNode?> items, string? mergeKey) =>
        [.. items.Select(item => Identity(item, mergeKey)?.DeepClone())];

    /// <summary>Empties <paramref name="array"/> and hands back its (now parentless) elements.</summary>
    public static List<JsonNode?> Take(JsonArray array)
    {
        var items = array.ToList();
        array.Clear();
        return items;
    }

    private static bool IsDeleteElement(JsonNode? item) =>
        item is JsonObject obj
        && obj.TryGetPropertyValue(StrategicMergePatch.PatchDirective, out var directive)
        && StrategicMergePatch.DirectiveName(directive) == "delete";

    private static bool HasKey(JsonNode? item, string mergeKey, JsonNode? key) =>
        item is JsonObject obj && obj.TryGetPropertyValue(mergeKey, out var value) && JsonNode.DeepEquals(value, key);

    private static JsonNode? Identity(JsonNode? item, string? mergeKey) =>
        mergeKey is not null && item is JsonObject obj ? KeyOf(obj, mergeKey) : item;

    private static JsonNode? OrderKey(JsonNode? item, string? mergeKey)
    {
        if (mergeKey is null)
        {
            return item;
        }

        return item is JsonObject obj
            ? KeyOf(obj, mergeKey)
            : throw PatchErrors.Internal($"expected a map[string]interface {{}}, but received a {StrategicMergePatch.KindName(item)}");
    }

    private static JsonNode? KeyOf(JsonObject element, string mergeKey) =>
        element.TryGetPropertyValue(mergeKey, out var value)
            ? value
            : throw PatchErrors.Internal($"map: {PatchErrors.Show(element)} does not contain declared merge key: {mergeKey}");

    private static int IndexOf(List<JsonNode?> list, JsonNode? value) => list.FindIndex(item => JsonNode.DeepEquals(item, value));

    /// <summary>
    /// The common element kind of both lists (numbers count as one kind). Lists of lists are a 422
    /// in the API server; mixed kinds are a plain error there (500).
    /// </summary>
    private static JsonValueKind ElementKind(JsonArray original, JsonArray patch)
    {
        JsonValueKind? kind = null;
        foreach (var item in original.Concat(patch))
        {
            var current = item?.GetValueKind() ?? JsonValueKind.Null;
            if (current == JsonValueKind.False)
            {
                current = JsonValueKind.True;
            }

            if (kind is null)
            {
                if (current == JsonValueKind.Array)
                {
                    throw PatchErrors.Unprocessable("lists of lists are not supported");
                }

                kind = current;
            }
            else if (kind != current)
            {
                throw PatchErrors.Internal($"list element types are not identical: [{PatchErrors.Show(original)} {PatchErrors.Show(patch)}]");
            }
        }

        return kind ?? JsonValueKind.Null;
    }
}
