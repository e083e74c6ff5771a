using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s.Models;

namespace FluxSharp.Api.Schema;

/// <summary>
/// Walks C# API types by reflection into OpenAPI v3 structural schemas as CRDs carry them:
/// string/boolean/integer(int32|int64)/number, DateTime as date-time strings, IntOrString as int-or-string,
/// JsonNode/JsonElement as preserve-unknown-fields, dictionaries as additionalProperties, lists as items,
/// records as objects with sorted properties and a required list. Attributes from this namespace add keywords.
/// </summary>
internal static class SchemaBuilder
{
    private const int MaxDepth = 32;

    /// <summary>The schema of a root type: apiVersion, kind, metadata (an opaque object), spec, status.</summary>
    public static JsonObject ForRoot(Type root) => ForObject(root, depth: 0);

    private static JsonObject ForObject(Type type, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new InvalidOperationException($"{type.FullName}: schema nesting deeper than {MaxDepth}; recursive types are not supported");
        }

        var schema = new JsonObject();
        if (XmlDocs.Summary(type) is { } description)
        {
            schema["description"] = description;
        }

        var properties = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        var required = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<JsonIgnoreAttribute>() is { Condition: JsonIgnoreCondition.Always } || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            var name = JsonName(property);
            if (!properties.TryAdd(name, ForProperty(property, depth + 1)))
            {
                throw new InvalidOperationException($"{type.FullName}: two properties map to the JSON name '{name}'");
            }

            if (property.GetCustomAttribute<RequiredAttribute>() is not null)
            {
                required.Add(name);
            }
        }

        if (properties.Count > 0)
        {
            schema["properties"] = new JsonObject(properties.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
        }

        if (required.Count > 0)
        {
            schema["required"] = new JsonArray(required.Select(r => (JsonNode?)JsonValue.Create(r)).ToArray());
        }

        schema["type"] = "object";
        AddValidations(schema, type.GetCustomAttributes<ValidationAttribute>(inherit: false));
        return schema;
    }

    private static JsonObject ForProperty(PropertyInfo property, int depth)
    {
        var type = property.PropertyType;
        JsonObject schema;
        if (type == typeof(V1ObjectMeta) || type == typeof(V1ListMeta))
        {
            // Kubernetes validates metadata itself; CRDs carry only its type.
            return new JsonObject { ["type"] = "object" };
        }

        schema = ForType(type, depth);

        // The property's own summary describes the field; it wins over the type's summary.
        if (XmlDocs.Summary(property) is { } description)
        {
            schema["description"] = description;
        }

        var target = schema;
        foreach (var keyword in property.GetCustomAttributes<SchemaKeywordAttribute>(inherit: true))
        {
            if (keyword.OnItems)
            {
                target = schema["items"] as JsonObject ?? schema["additionalProperties"] as JsonObject
                    ?? throw new InvalidOperationException($"{property.DeclaringType?.FullName}.{property.Name}: {keyword.GetType().Name} has OnItems but the property is neither a list nor a map");
                keyword.Apply(target);
            }
            else
            {
                keyword.Apply(schema);
            }
        }

        AddValidations(schema, property.GetCustomAttributes<ValidationAttribute>(inherit: true));
        return schema;
    }

    private static JsonObject ForType(Type type, int depth)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return Typed("string");
        }

        if (type == typeof(bool))
        {
            return Typed("boolean");
        }

        if (type == typeof(int) || type == typeof(short) || type == typeof(byte))
        {
            return Typed("integer", "int32");
        }

        if (type == typeof(long) || type == typeof(uint))
        {
            return Typed("integer", "int64");
        }

        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
        {
            return Typed("number", type == typeof(float) ? "float" : "double");
        }

        if (type == typeof(DateTime) || type == typeof(DateTimeOffset))
        {
            return Typed("string", "date-time");
        }

        if (type == typeof(IntOrString))
        {
            return new JsonObject
            {
                ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "integer" }, new JsonObject { ["type"] = "string" }),
                ["x-kubernetes-int-or-string"] = true,
            };
        }

        if (type == typeof(JsonObject))
        {
            return new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };
        }

        if (type == typeof(JsonNode) || type == typeof(JsonElement))
        {
            return new JsonObject { ["x-kubernetes-preserve-unknown-fields"] = true };
        }

        if (DictionaryValueType(type) is { } valueType)
        {
            return new JsonObject { ["additionalProperties"] = ForType(valueType, depth + 1), ["type"] = "object" };
        }

        if (ElementType(type) is { } elementType)
        {
            return new JsonObject { ["items"] = ForType(elementType, depth + 1), ["type"] = "array" };
        }

        if (type.IsEnum)
        {
            throw new InvalidOperationException($"{type.FullName}: use string with [Enum(...)] for enumerations (Flux's values are strings)");
        }

        if (type.IsClass && type != typeof(object))
        {
            return ForObject(type, depth);
        }

        throw new InvalidOperationException($"{type.FullName}: no OpenAPI mapping");
    }

    private static JsonObject Typed(string type, string? format = null)
    {
        var schema = new JsonObject();
        if (format is not null)
        {
            schema["format"] = format;
        }

        schema["type"] = type;
        return schema;
    }

    private static Type? DictionaryValueType(Type type)
    {
        foreach (var candidate in type.GetInterfaces().Prepend(type))
        {
            if (candidate.IsGenericType && candidate.GetGenericTypeDefinition() is var definition
                && (definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>)))
            {
                var args = candidate.GetGenericArguments();
                return args[0] == typeof(string) ? args[1] : throw new InvalidOperationException($"{type}: map keys must be strings");
            }
        }

        return null;
    }

    private static Type? ElementType(Type type)
    {
        if (type == typeof(string))
        {
            return null;
        }

        if (type.IsArray)
        {
            return type.GetElementType();
        }

        foreach (var candidate in type.GetInterfaces().Prepend(type))
        {
            if (candidate.IsGenericType && candidate.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            {
                return candidate.GetGenericArguments()[0];
            }
        }

        return null;
    }

    private static void AddValidations(JsonObject schema, IEnumerable<ValidationAttribute> validations)
    {
        var rules = validations.Select(v => (JsonNode?)v.ToJson()).ToArray();
        if (rules.Length > 0)
        {
            schema["x-kubernetes-validations"] = new JsonArray(rules);
        }
    }

    internal static string JsonName(PropertyInfo property) =>
        property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);
}
