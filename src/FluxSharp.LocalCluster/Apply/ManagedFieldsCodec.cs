using System.Globalization;
using System.Text.Json.Nodes;

namespace FluxSharp.LocalCluster.Apply;

/// <summary>Reads and writes metadata.managedFields.</summary>
internal static class ManagedFieldsCodec
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    public static JsonNode? Get(JsonObject obj) =>
        obj["metadata"] is JsonObject metadata && metadata.TryGetPropertyValue("managedFields", out var mf) ? mf : null;

    /// <summary>k8s treats a sent managedFields of [] or [{}] as "clear all ownership".</summary>
    public static bool IsReset(JsonNode? managedFields) =>
        managedFields is JsonArray array && (array.Count == 0 || (array.Count == 1 && array[0] is JsonObject { Count: 0 }));

    /// <summary>Decodes entries; throws 400 for malformed ones or duplicate manager identities.</summary>
    public static List<ManagerEntry> Decode(JsonNode? managedFields)
    {
        var result = new List<ManagerEntry>();
        if (managedFields is null)
        {
            return result;
        }

        if (managedFields is not JsonArray array)
        {
            throw ApiException.BadRequest("metadata.managedFields must be a list");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in array)
        {
            if (node is not JsonObject entry)
            {
                throw ApiException.BadRequest("metadata.managedFields entries must be objects");
            }

            var operation = Text(entry, "operation");
            if (operation is not (ManagerEntry.ApplyOperation or ManagerEntry.UpdateOperation))
            {
                throw ApiException.BadRequest($"metadata.managedFields: unsupported operation \"{operation}\"");
            }

            if (Text(entry, "fieldsType") is { } fieldsType && fieldsType != "FieldsV1")
            {
                throw ApiException.BadRequest($"metadata.managedFields: unsupported fieldsType \"{fieldsType}\"");
            }

            var set = entry["fieldsV1"] is JsonObject fieldsV1 ? FieldSet.Parse(fieldsV1) : new FieldSet();
            DateTimeOffset? time = null;
            if (Text(entry, "time") is { } timeText)
            {
                time = DateTimeOffset.TryParse(timeText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
                    ? t
                    : throw ApiException.BadRequest($"metadata.managedFields: invalid time \"{timeText}\"");
            }

            var decoded = new ManagerEntry(Text(entry, "manager") ?? "", operation, Text(entry, "apiVersion") ?? "", Text(entry, "subresource"), time, set);
            if (!seen.Add(decoded.Id))
            {
                throw ApiException.BadRequest($"metadata.managedFields: found a duplicate manager entry for {decoded.Describe()}");
            }

            result.Add(decoded);
        }

        return result;
    }

    /// <summary>Encodes non-empty entries in the apiserver's order: operation, time, manager, apiVersion, subresource.</summary>
    public static JsonArray Encode(IEnumerable<ManagerEntry> entries)
    {
        var sorted = entries.Where(e => !e.Set.IsEmpty).ToList();
        sorted.Sort(CompareEntries);
        var array = new JsonArray();
        foreach (var e in sorted)
        {
            var json = new JsonObject
            {
                ["manager"] = e.Manager,
                ["operation"] = e.Operation,
                ["apiVersion"] = e.ApiVersion,
            };
            if (e.Time is { } time)
            {
                json["time"] = FormatTime(time);
            }

            json["fieldsType"] = "FieldsV1";
            json["fieldsV1"] = e.Set.ToJson();
            if (e.Subresource is not null)
            {
                json["subresource"] = e.Subresource;
            }

            array.Add(json);
        }

        return array;
    }

    /// <summary>Writes the entries to obj.metadata.managedFields, omitting the field when there are none.</summary>
    public static void Store(JsonObject obj, IEnumerable<ManagerEntry> entries)
    {
        var encoded = Encode(entries);
        if (obj["metadata"] is not JsonObject metadata)
        {
            if (encoded.Count == 0)
            {
                return;
            }

            metadata = new JsonObject();
            obj["metadata"] = metadata;
        }

        if (encoded.Count == 0)
        {
            metadata.Remove("managedFields");
        }
        else
        {
            metadata["managedFields"] = encoded;
        }
    }

    public static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static int CompareEntries(ManagerEntry p, ManagerEntry q)
    {
        var c = string.CompareOrdinal(p.Operation, q.Operation);
        if (c != 0)
        {
            return c;
        }

        c = Seconds(p.Time).CompareTo(Seconds(q.Time));
        if (c != 0)
        {
            return c;
        }

        c = string.CompareOrdinal(p.Manager, q.Manager);
        if (c != 0)
        {
            return c;
        }

        c = string.CompareOrdinal(p.ApiVersion, q.ApiVersion);
        return c != 0 ? c : string.CompareOrdinal(p.Subresource ?? "", q.Subresource ?? "");
    }

    private static long Seconds(DateTimeOffset? time) => time?.ToUnixTimeSeconds() ?? 0;

    private static string? Text(JsonObject obj, string name) =>
        obj.TryGetPropertyValue(name, out var node) && node is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;
}
