using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Schema;

namespace FluxSharp.LocalCluster.Apply;

/// <summary>
/// SMD's Merge of an applied configuration into the live object, producing a new tree:
/// granular maps/structs merge field by field (live order kept, new fields appended), associative lists
/// merge item by item, everything else (scalars, atomic lists and maps, null) takes the config's value.
/// </summary>
internal static class ObjectMerger
{
    public static JsonObject Merge(JsonObject live, JsonObject config, TypeSchema schema) =>
        (JsonObject)MergeNode(live, config, schema)!;

    private static JsonNode? MergeNode(JsonNode? l, JsonNode? r, TypeSchema schema)
    {
        if (l is JsonObject lo && r is JsonObject ro && SchemaShape.IsGranularObject(schema) && (lo.Count > 0 || ro.Count > 0))
        {
            return MergeObject(lo, ro, schema);
        }

        if (l is JsonArray la && r is JsonArray ra && (la.Count > 0 || ra.Count > 0))
        {
            var kind = SchemaShape.ListKindOf(schema, out var keys);
            if (kind != ListKind.Atomic)
            {
                return MergeList(la, ra, kind, keys, schema.Items!);
            }
        }

        return r?.DeepClone();
    }

    private static JsonObject MergeObject(JsonObject l, JsonObject r, TypeSchema schema)
    {
        var result = new JsonObject();
        foreach (var (name, lv) in l)
        {
            result[name] = r.TryGetPropertyValue(name, out var rv)
                ? MergeNode(lv, rv, SchemaShape.Field(schema, name, out _))
                : lv?.DeepClone();
        }

        foreach (var (name, rv) in r)
        {
            if (!l.ContainsKey(name))
            {
                result[name] = rv?.DeepClone();
            }
        }

        return result;
    }

    /// <summary>
    /// Item order follows SMD: live items absent from the config keep their place, items present in both
    /// come in the config's order, and config-only items are placed where the config puts them.
    /// </summary>
    private static JsonArray MergeList(JsonArray l, JsonArray r, ListKind kind, IReadOnlyList<string> keys, TypeSchema items)
    {
        var rPEs = new PathElement[r.Count];
        var rObserved = new Dictionary<PathElement, JsonNode?>(r.Count);
        for (var i = 0; i < r.Count; i++)
        {
            rPEs[i] = SchemaShape.ItemElement(kind, keys, items, r[i]);
            if (!rObserved.TryAdd(rPEs[i], r[i]))
            {
                throw ApiException.BadRequest($"duplicate entries for key {rPEs[i]}");
            }
        }

        // A key duplicated in the live list is not merged with the config item: the config item replaces it.
        var lPEs = new PathElement[l.Count];
        var lObserved = new Dictionary<PathElement, JsonNode?>(l.Count);
        HashSet<PathElement>? lDuplicates = null;
        for (var i = 0; i < l.Count; i++)
        {
            lPEs[i] = SchemaShape.ItemElement(kind, keys, items, l[i]);
            if (!lObserved.TryAdd(lPEs[i], l[i]))
            {
                (lDuplicates ??= []).Add(lPEs[i]);
            }
        }

        var shared = new Queue<PathElement>();
        foreach (var pe in rPEs)
        {
            if (lObserved.ContainsKey(pe))
            {
                shared.Enqueue(pe);
            }
        }

        var nextShared = shared.Count > 0 ? shared.Dequeue() : null;
        var mergedRhs = new HashSet<PathElement>();
        var result = new JsonArray();
        int lI = 0, rI = 0;
        while (lI < l.Count || rI < r.Count)
        {
            if (lI < l.Count && rI < r.Count)
            {
                var pe = lPEs[lI];
                if (pe.Equals(rPEs[rI]))
                {
                    mergedRhs.Add(pe);
                    result.Add(MergeItem(pe, lObserved, lDuplicates, r[rI], items));
                    lI++;
                    rI++;
                    nextShared = shared.Count > 0 ? shared.Dequeue() : null;
                    continue;
                }

                if (rObserved.ContainsKey(pe) && nextShared is not null && !nextShared.Equals(pe))
                {
                    // A shared item, but not the one due now: it is emitted when the config reaches it.
                    lI++;
                    continue;
                }
            }

            if (lI < l.Count)
            {
                var pe = lPEs[lI];
                if (!rObserved.ContainsKey(pe))
                {
                    result.Add(l[lI]?.DeepClone());
                    lI++;
                    continue;
                }

                if (mergedRhs.Contains(pe))
                {
                    lI++;
                }
            }

            if (rI < r.Count)
            {
                var pe = rPEs[rI];
                mergedRhs.Add(pe);
                result.Add(MergeItem(pe, lObserved, lDuplicates, r[rI], items));
                rI++;
                if (nextShared is not null && nextShared.Equals(pe))
                {
                    nextShared = shared.Count > 0 ? shared.Dequeue() : null;
                }
            }
        }

        return result;
    }

    private static JsonNode? MergeItem(PathElement pe, Dictionary<PathElement, JsonNode?> lObserved, HashSet<PathElement>? lDuplicates, JsonNode? rItem, TypeSchema items)
    {
        if (lDuplicates?.Contains(pe) != true && lObserved.TryGetValue(pe, out var lItem))
        {
            return MergeNode(lItem, rItem, items);
        }

        return rItem?.DeepClone();
    }
}
