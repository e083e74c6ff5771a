using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using FluxSharp.Api;

namespace FluxSharp.Cli.Flux;

/// <summary>
/// Objects as `flux export` and `flux create --export` print them: flux reads them into its Go types and writes them
/// back with sigs.k8s.io/yaml, so only apiVersion, kind, name/namespace/labels/annotations and spec (or a Secret's
/// data) remain, empty and false fields are gone, durations read "1m0s", keys are sorted, and each document starts "---".
/// </summary>
internal static class FluxExport
{
    // Fields Go holds as metav1.Duration: read and written back, "60s" becomes "1m0s".
    private static readonly HashSet<string> DurationFields = ["interval", "timeout", "retryInterval"];

    // Set by `flux reconcile` and kubectl, not by the person who wrote the object.
    private static readonly HashSet<string> DroppedAnnotations =
        [FluxAnnotations.ReconcileRequestedAt, FluxAnnotations.ForceRequestedAt, "kubectl.kubernetes.io/last-applied-configuration"];

    /// <summary>The clean object: what flux's export keeps of <paramref name="obj"/>, keys in flux's order.</summary>
    public static JsonObject Clean(JsonObject obj)
    {
        var meta = obj["metadata"] as JsonObject ?? [];
        var metadata = new JsonObject { ["name"] = meta["name"]?.DeepClone(), ["namespace"] = meta["namespace"]?.DeepClone() };
        if (meta["labels"] is JsonObject labels && labels.Count > 0)
        {
            metadata["labels"] = labels.DeepClone();
        }

        if (meta["annotations"] is JsonObject annotations)
        {
            var kept = new JsonObject(annotations.Where(a => !DroppedAnnotations.Contains(a.Key)).Select(a => KeyValuePair.Create(a.Key, a.Value?.DeepClone())));
            if (kept.Count > 0)
            {
                metadata["annotations"] = kept;
            }
        }

        var clean = new JsonObject
        {
            ["apiVersion"] = obj["apiVersion"]?.DeepClone(),
            ["kind"] = obj["kind"]?.DeepClone(),
            ["metadata"] = metadata,
        };
        if (obj["spec"] is JsonObject spec)
        {
            var cleanSpec = (JsonObject)spec.DeepClone();
            foreach (var field in DurationFields)
            {
                if (cleanSpec[field] is JsonValue value && value.TryGetValue<string>(out var text) && GoDuration.TryParse(text, out var duration))
                {
                    cleanSpec[field] = FormatDuration(duration);
                }
            }

            // Kustomization's prune is the one boolean Flux's types write even when false.
            var prune = (string?)obj["kind"] == FluxKind.Kustomization.Kind ? cleanSpec["prune"]?.DeepClone() ?? false : null;
            DropEmpty(cleanSpec);
            if (prune is not null)
            {
                cleanSpec["prune"] = prune;
            }

            clean["spec"] = cleanSpec;
        }

        // Other kinds' content (a Secret's type and stringData), as their types keep it.
        foreach (var (key, value) in obj.Where(p => p.Key is not ("apiVersion" or "kind" or "metadata" or "spec" or "status")))
        {
            var copy = value?.DeepClone();
            if (copy is JsonObject o)
            {
                DropEmpty(o);
            }

            if (!IsEmpty(copy))
            {
                clean[key] = copy;
            }
        }

        return (JsonObject)Sorted(clean)!;
    }

    /// <summary>The objects as flux prints them: each document preceded by "---".</summary>
    public static string Yaml(IEnumerable<JsonObject> objects)
    {
        var list = objects.Select(Clean).ToList();
        return list.Count == 0 ? string.Empty : "---\n" + OutputFormat.Yaml(list);
    }

    /// <summary>Go's time.Duration.String(): "1m0s", "1h30m0s", "1.5s", "500ms", "0s".</summary>
    public static string FormatDuration(TimeSpan d)
    {
        if (d == TimeSpan.Zero)
        {
            return "0s";
        }

        var sign = d < TimeSpan.Zero ? "-" : string.Empty;
        d = d.Duration();
        if (d < TimeSpan.FromSeconds(1))
        {
            var ns = d.Ticks * 100m;
            return sign + (ns >= 1_000_000 ? Number(ns / 1_000_000) + "ms" : ns >= 1000 ? Number(ns / 1000) + "µs" : Number(ns) + "ns");
        }

        var text = new StringBuilder(sign);
        var hours = (long)d.TotalHours;
        if (hours > 0)
        {
            text.Append(hours).Append('h');
        }

        if (hours > 0 || d.Minutes > 0)
        {
            text.Append(d.Minutes).Append('m');
        }

        var seconds = d.Seconds + (d.Ticks % TimeSpan.TicksPerSecond / (decimal)TimeSpan.TicksPerSecond);
        return text.Append(Number(seconds)).Append('s').ToString();

        static string Number(decimal n) => n.ToString("0.#########", CultureInfo.InvariantCulture);
    }

    /// <summary>Removes what Go's omitempty leaves out: null, "", false, empty lists and maps.</summary>
    private static void DropEmpty(JsonObject obj)
    {
        foreach (var (key, value) in obj.ToList())
        {
            switch (value)
            {
                case JsonObject child:
                    DropEmpty(child);
                    break;
                case JsonArray array:
                    foreach (var item in array.OfType<JsonObject>())
                    {
                        DropEmpty(item);
                    }

                    break;
            }

            if (IsEmpty(value))
            {
                obj.Remove(key);
            }
        }
    }

    private static bool IsEmpty(JsonNode? value) => value switch
    {
        null => true,
        JsonObject o => o.Count == 0,
        JsonArray a => a.Count == 0,
        JsonValue v => v.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.String => ((string?)v)?.Length == 0,
            System.Text.Json.JsonValueKind.False or System.Text.Json.JsonValueKind.Null => true,
            _ => false,
        },
        _ => false,
    };

    /// <summary>Map keys in the order Go's YAML writer sorts them.</summary>
    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value?.DeepClone())))
            .OrderBy(p => p.Key, GoKeyOrder.Instance)),
        JsonArray a => new JsonArray([.. a.Select(i => Sorted(i?.DeepClone()))]),
        _ => node,
    };

    /// <summary>yaml.v2's key order: numbers by value, non-letters before letters, digit runs compared as numbers.</summary>
    private sealed class GoKeyOrder : IComparer<string>
    {
        public static readonly GoKeyOrder Instance = new();

        public int Compare(string? x, string? y)
        {
            var a = x ?? string.Empty;
            var b = y ?? string.Empty;
            if (double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var af) && double.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out var bf) && af != bf)
            {
                return af.CompareTo(bf);
            }

            for (var i = 0; i < a.Length && i < b.Length; i++)
            {
                if (a[i] == b[i])
                {
                    continue;
                }

                bool al = char.IsLetter(a[i]), bl = char.IsLetter(b[i]);
                if (al && bl)
                {
                    return a[i].CompareTo(b[i]);
                }

                if (al || bl)
                {
                    return bl ? -1 : 1;
                }

                long an = 0, bn = 0;
                if (a[i] == '0' || b[i] == '0')
                {
                    for (var j = i - 1; j >= 0 && char.IsAsciiDigit(a[j]); j--)
                    {
                        if (a[j] != '0')
                        {
                            an = bn = 1;
                            break;
                        }
                    }
                }

                int ai = i, bi = i;
                for (; ai < a.Length && char.IsAsciiDigit(a[ai]); ai++)
                {
                    an = (an * 10) + (a[ai] - '0');
                }

                for (; bi < b.Length && char.IsAsciiDigit(b[bi]); bi++)
                {
                    bn = (bn * 10) + (b[bi] - '0');
                }

                return an != bn ? an.CompareTo(bn) : ai != bi ? ai.CompareTo(bi) : a[i].CompareTo(b[i]);
            }

            return a.Length.CompareTo(b.Length);
        }
    }
}
