using System.Text.Json.Nodes;

namespace FluxSharp.Api.Schema;

/// <summary>
/// Base of the attributes that add OpenAPI keywords to a property's schema. With <see cref="OnItems"/>
/// the keyword goes to the schema of the array items (or map values) instead.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public abstract class SchemaKeywordAttribute : Attribute
{
    public bool OnItems { get; init; }

    /// <summary>Writes this attribute's keyword(s) into the schema.</summary>
    public abstract void Apply(JsonObject schema);
}

/// <summary>The property must be present (it goes to the parent's <c>required</c> list).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RequiredAttribute : Attribute
{
}

/// <summary>A default the API server applies when the field is absent.</summary>
public sealed class DefaultAttribute : SchemaKeywordAttribute
{
    private readonly JsonNode _value;

    public DefaultAttribute(string value) => _value = JsonValue.Create(value);

    public DefaultAttribute(bool value) => _value = JsonValue.Create(value);

    public DefaultAttribute(long value) => _value = JsonValue.Create(value);

    public override void Apply(JsonObject schema) => schema["default"] = _value.DeepClone();
}

/// <summary>A default given as JSON text, for objects and arrays, e.g. <c>{"observedGeneration":-1}</c>.</summary>
public sealed class DefaultJsonAttribute(string json) : SchemaKeywordAttribute
{
    public string Json { get; } = json;

    public override void Apply(JsonObject schema) => schema["default"] = JsonNode.Parse(Json);
}

/// <summary>The allowed values.</summary>
public sealed class EnumAttribute(params string[] values) : SchemaKeywordAttribute
{
    public IReadOnlyList<string> Values { get; } = values;

    public override void Apply(JsonObject schema) => schema["enum"] = new JsonArray(Values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
}

/// <summary>An ECMA-262 regular expression the string must match.</summary>
public sealed class PatternAttribute(string pattern) : SchemaKeywordAttribute
{
    public string Pattern { get; } = pattern;

    public override void Apply(JsonObject schema) => schema["pattern"] = Pattern;
}

/// <summary>An OpenAPI format (types such as DateTime and long get theirs without it).</summary>
public sealed class FormatAttribute(string format) : SchemaKeywordAttribute
{
    public string Format { get; } = format;

    public override void Apply(JsonObject schema) => schema["format"] = Format;
}

/// <summary>Minimum string length.</summary>
public sealed class MinLengthAttribute(long length) : SchemaKeywordAttribute
{
    public override void Apply(JsonObject schema) => schema["minLength"] = length;
}

/// <summary>Maximum string length.</summary>
public sealed class MaxLengthAttribute(long length) : SchemaKeywordAttribute
{
    public override void Apply(JsonObject schema) => schema["maxLength"] = length;
}

/// <summary>Minimum number value.</summary>
public sealed class MinimumAttribute(long minimum) : SchemaKeywordAttribute
{
    public override void Apply(JsonObject schema) => schema["minimum"] = minimum;
}

/// <summary>Maximum number value.</summary>
public sealed class MaximumAttribute(long maximum) : SchemaKeywordAttribute
{
    public override void Apply(JsonObject schema) => schema["maximum"] = maximum;
}

/// <summary>Minimum number of array items.</summary>
public sealed class MinItemsAttribute(long count) : SchemaKeywordAttribute
{
    public override void Apply(JsonObject schema) => schema["minItems"] = count;
}

/// <summary>Maximum number of array items.</summary>
public sealed class MaxItemsAttribute(long count) : SchemaKeywordAttribute
{
    public override void Apply(JsonObject schema) => schema["maxItems"] = count;
}

/// <summary><c>x-kubernetes-list-type</c>: atomic, set or map (with <see cref="MapKeys"/>).</summary>
public sealed class ListTypeAttribute(string listType) : SchemaKeywordAttribute
{
    public string ListType { get; } = listType;

    public string[] MapKeys { get; init; } = [];

    public override void Apply(JsonObject schema)
    {
        schema["x-kubernetes-list-type"] = ListType;
        if (MapKeys.Length > 0)
        {
            schema["x-kubernetes-list-map-keys"] = new JsonArray(MapKeys.Select(k => (JsonNode?)JsonValue.Create(k)).ToArray());
        }
    }
}

/// <summary><c>x-kubernetes-map-type</c>: atomic or granular.</summary>
public sealed class MapTypeAttribute(string mapType) : SchemaKeywordAttribute
{
    public override void Apply(JsonObject schema) => schema["x-kubernetes-map-type"] = mapType;
}

/// <summary><c>x-kubernetes-preserve-unknown-fields: true</c> on a typed object.</summary>
public sealed class PreserveUnknownFieldsAttribute : SchemaKeywordAttribute
{
    public override void Apply(JsonObject schema) => schema["x-kubernetes-preserve-unknown-fields"] = true;
}

/// <summary>
/// A CEL rule (<c>x-kubernetes-validations</c>). On a class it goes to that type's object schema,
/// on a property to the property's schema. Several may be given; they are kept in declaration order.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true)]
public sealed class ValidationAttribute(string rule, string message) : Attribute
{
    public string Rule { get; } = rule;

    public string Message { get; } = message;

    internal JsonObject ToJson() => new() { ["message"] = Message, ["rule"] = Rule };
}
