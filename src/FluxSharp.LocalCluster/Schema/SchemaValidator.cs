using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FluxSharp.LocalCluster.Schema;

/// <summary>
/// OpenAPI v3 validation of custom resources with the apiserver's field paths and messages
/// (type, required, enum, pattern, bounds, lengths, item and property counts, formats, list-map/set
/// uniqueness). Keywords are read from <see cref="TypeSchema.Source"/>; nodes without a source
/// (built-in models) are only type-checked. CEL rules and allOf/anyOf/oneOf/not are not evaluated.
/// Root and embedded metadata are skipped: ObjectMetaValidation covers them.
/// </summary>
public static class SchemaValidator
{
    private static readonly Dictionary<string, Regex> Patterns = [];
    private static readonly Lock PatternLock = new();

    public static IReadOnlyList<StatusCause> Validate(JsonObject obj, TypeSchema schema)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(schema);
        var causes = new List<StatusCause>();
        ValidateObject(obj, schema, string.Empty, isResource: true, causes);
        return causes;
    }

    private static void ValidateNode(JsonNode? node, TypeSchema schema, string path, List<StatusCause> causes)
    {
        var kind = KindOf(node);
        if (kind == "null")
        {
            if (!schema.Nullable && schema.Type != SchemaType.Unknown)
            {
                causes.Add(FieldErrors.TypeInvalid(path, "null", $"{path} in body must be of type {TypeName(schema)}: \"null\""));
            }

            return;
        }

        if (!TypeMatches(schema, kind))
        {
            causes.Add(FieldErrors.TypeInvalid(path, kind, $"{path} in body must be of type {TypeName(schema)}: \"{kind}\""));
            return;
        }

        if (schema.Source is { } source)
        {
            CheckKeywords(node!, kind, source, schema, path, causes);
        }

        switch (node)
        {
            case JsonObject obj:
                ValidateObject(obj, schema, path, schema.EmbeddedResource, causes);
                break;
            case JsonArray array:
                ValidateArray(array, schema, path, causes);
                break;
        }
    }

    private static void ValidateObject(JsonObject obj, TypeSchema schema, string path, bool isResource, List<StatusCause> causes)
    {
        foreach (var required in schema.Required)
        {
            if (!obj.ContainsKey(required))
            {
                causes.Add(FieldErrors.Required(Join(path, required)));
            }
        }

        foreach (var (name, value) in obj)
        {
            if (isResource && name is "metadata" or "apiVersion" or "kind")
            {
                continue;
            }

            if (schema.Properties is not null && schema.Properties.TryGetValue(name, out var property))
            {
                ValidateNode(value, property, Join(path, name), causes);
            }
            else if (schema.AdditionalProperties is not null)
            {
                ValidateNode(value, schema.AdditionalProperties, $"{path}[{name}]", causes);
            }
        }
    }

    private static void ValidateArray(JsonArray array, TypeSchema schema, string path, List<StatusCause> causes)
    {
        if (schema.Items is not null)
        {
            for (var i = 0; i < array.Count; i++)
            {
                ValidateNode(array[i], schema.Items, $"{path}[{i}]", causes);
            }
        }

        // x-kubernetes-list-type map/set: entries must be unique by key / by value.
        if (schema.ListType == ListType.Set || (schema.ListType == ListType.Map && schema.ListMapKeys.Count > 0))
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < array.Count; i++)
            {
                JsonNode? key = schema.ListType == ListType.Set ? array[i] : MapKey(array[i], schema.ListMapKeys);
                if (!seen.Add(key?.ToJsonString() ?? "null"))
                {
                    causes.Add(FieldErrors.Duplicate($"{path}[{i}]", key));
                }
            }
        }
    }

    private static JsonObject MapKey(JsonNode? item, IReadOnlyList<string> keys)
    {
        var key = new JsonObject();
        if (item is JsonObject obj)
        {
            foreach (var k in keys)
            {
                if (obj.TryGetPropertyValue(k, out var v))
                {
                    key[k] = v?.DeepClone();
                }
            }
        }

        return key;
    }

    private static void CheckKeywords(JsonNode node, string kind, JsonObject source, TypeSchema schema, string path, List<StatusCause> causes)
    {
        if (source["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, node)))
        {
            causes.Add(FieldErrors.NotSupported(path, node, allowed.Select(EnumText)));
        }

        switch (kind)
        {
            case "string":
                CheckString(node.GetValue<string>(), source, schema, path, causes);
                break;
            case "integer" or "number":
                CheckNumber(node, source, schema, path, causes);
                break;
            case "array":
                var count = ((JsonArray)node).Count;
                if (Long(source, "maxItems") is { } maxItems && count > maxItems)
                {
                    causes.Add(FieldErrors.TooMany(path, count, maxItems));
                }

                if (Long(source, "minItems") is { } minItems && count < minItems)
                {
                    causes.Add(FieldErrors.Invalid(path, JsonValue.Create(count), $"{path} in body should have at least {minItems} items"));
                }

                if (CrdSchemas.Bool(source, "uniqueItems") && ((JsonArray)node).Select(n => n?.ToJsonString()).Distinct().Count() != count)
                {
                    causes.Add(FieldErrors.Invalid(path, node, $"{path} in body shouldn't contain duplicates"));
                }

                break;
            case "object":
                var properties = ((JsonObject)node).Count;
                if (Long(source, "maxProperties") is { } maxProperties && properties > maxProperties)
                {
                    causes.Add(FieldErrors.TooMany(path, properties, maxProperties));
                }

                if (Long(source, "minProperties") is { } minProperties && properties < minProperties)
                {
                    causes.Add(FieldErrors.Invalid(path, JsonValue.Create(properties), $"{path} in body should have at least {minProperties} properties"));
                }

                break;
        }
    }

    private static void CheckString(string value, JsonObject source, TypeSchema schema, string path, List<StatusCause> causes)
    {
        var length = value.EnumerateRunes().Count();
        if (Long(source, "maxLength") is { } maxLength && length > maxLength)
        {
            causes.Add(FieldErrors.TooLong(path, maxLength));
        }

        if (Long(source, "minLength") is { } minLength && length < minLength)
        {
            causes.Add(FieldErrors.Invalid(path, value, $"{path} in body should be at least {minLength} chars long"));
        }

        if (CrdSchemas.Str(source, "pattern") is { } pattern && !PatternFor(pattern).IsMatch(value))
        {
            causes.Add(FieldErrors.Invalid(path, value, $"{path} in body should match '{pattern}'"));
        }

        if (schema.Format is { } format && !SchemaFormats.IsValid(format, value))
        {
            causes.Add(FieldErrors.Invalid(path, value, $"{path} in body must be of type {format}: {FieldErrors.GoQuote(value)}"));
        }
    }

    private static void CheckNumber(JsonNode node, JsonObject source, TypeSchema schema, string path, List<StatusCause> causes)
    {
        var value = node.GetValue<double>();
        var text = node.ToJsonString();
        if (Number(source, "maximum") is { } maximum)
        {
            var exclusive = CrdSchemas.Bool(source, "exclusiveMaximum");
            if (exclusive ? value >= maximum : value > maximum)
            {
                causes.Add(FieldErrors.Invalid(path, node, $"{path} in body should be less than {(exclusive ? string.Empty : "or equal to ")}{Show(source["maximum"])}"));
            }
        }

        if (Number(source, "minimum") is { } minimum)
        {
            var exclusive = CrdSchemas.Bool(source, "exclusiveMinimum");
            if (exclusive ? value <= minimum : value < minimum)
            {
                causes.Add(FieldErrors.Invalid(path, node, $"{path} in body should be greater than {(exclusive ? string.Empty : "or equal to ")}{Show(source["minimum"])}"));
            }
        }

        if (Number(source, "multipleOf") is { } multipleOf && multipleOf > 0 && Math.Abs(Math.IEEERemainder(value, multipleOf)) > 1e-9)
        {
            causes.Add(FieldErrors.Invalid(path, node, $"{path} in body should be a multiple of {Show(source["multipleOf"])}"));
        }

        if (schema.Format is "int32" && (value < int.MinValue || value > int.MaxValue))
        {
            causes.Add(FieldErrors.Invalid(path, node, $"{path} in body must be of type int32: \"{text}\""));
        }
    }

    private static bool TypeMatches(TypeSchema schema, string kind) => schema.Type switch
    {
        SchemaType.Unknown => true,
        SchemaType.Object => kind == "object",
        SchemaType.Array => kind == "array",
        SchemaType.String => kind == "string" || (schema.Format == "quantity" && kind is "integer" or "number"),
        SchemaType.Integer => kind == "integer",
        SchemaType.Number => kind is "number" or "integer",
        SchemaType.Boolean => kind == "boolean",
        SchemaType.IntOrString => kind is "integer" or "string",
        _ => true,
    };

    private static string TypeName(TypeSchema schema) => schema.Type switch
    {
        SchemaType.Object => "object",
        SchemaType.Array => "array",
        SchemaType.String => "string",
        SchemaType.Integer => "integer",
        SchemaType.Number => "number",
        SchemaType.Boolean => "boolean",
        SchemaType.IntOrString => "integer,string",
        _ => "any",
    };

    /// <summary>The JSON type of a value, with integral numbers as "integer" as OpenAPI validators report them.</summary>
    internal static string KindOf(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => IsIntegral(v) ? "integer" : "number",
            JsonValueKind.Null => "null",
            _ => "string",
        },
        _ => "null",
    };

    private static bool IsIntegral(JsonValue v)
    {
        if (v.TryGetValue<long>(out _) || v.TryGetValue<int>(out _))
        {
            return true;
        }

        var d = v.GetValue<double>();
        return Math.Floor(d) == d && !double.IsInfinity(d) && !v.ToJsonString().Contains('.', StringComparison.Ordinal);
    }

    private static string EnumText(JsonNode? value) => value switch
    {
        null => "<nil>",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => value.ToJsonString(),
    };

    private static string Show(JsonNode? n) => n?.ToJsonString() ?? string.Empty;

    private static long? Long(JsonObject source, string name) =>
        source[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? (long)v.GetValue<double>() : null;

    private static double? Number(JsonObject source, string name) =>
        source[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : null;

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static Regex PatternFor(string pattern)
    {
        lock (PatternLock)
        {
            if (!Patterns.TryGetValue(pattern, out var regex))
            {
                regex = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
                Patterns[pattern] = regex;
            }

            return regex;
        }
    }
}

/// <summary>The string formats Kubernetes checks on custom resources (a cheap subset of kube-openapi's registry).</summary>
public static partial class SchemaFormats
{
    public static bool IsValid(string format, string value)
    {
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(value);
        return format switch
        {
            "date-time" or "datetime" => DateTimeRegex().IsMatch(value) && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
            "date" => DateTime.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
            "duration" => DurationRegex().IsMatch(value),
            "byte" => value.Length % 4 == 0 && Convert.TryFromBase64String(value, new byte[value.Length], out _),
            "uuid" => Guid.TryParseExact(value, "D", out _),
            "ipv4" => IPAddress.TryParse(value, out var v4) && v4.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && value.Count(c => c == '.') == 3,
            "ipv6" => IPAddress.TryParse(value, out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6,
            "cidr" => IPNetwork.TryParse(value, out _),
            "hostname" => HostnameRegex().IsMatch(value) && value.Length <= 255,
            _ => true,
        };
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")]
    private static partial Regex DateTimeRegex();

    // Go durations ("1h30m", "500ms") plus the day/week units strfmt.Duration also takes.
    [GeneratedRegex(@"^[-+]?(0|(\d+(\.\d+)?\s*(ns|us|µs|ms|s|m|h|d|w))+)$")]
    private static partial Regex DurationRegex();

    [GeneratedRegex(@"^[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*$")]
    private static partial Regex HostnameRegex();
}
