using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluxSharp.LocalCluster.Schema;

/// <summary>
/// Builds StatusCauses worded like Kubernetes' field errors (k8s.io/apimachinery field.Error):
/// the cause's Field is the path and its Message the error body, e.g. <c>Invalid value: "x": detail</c>.
/// </summary>
public static class FieldErrors
{
    public static StatusCause Invalid(string field, JsonNode? value, string detail) =>
        new("FieldValueInvalid", $"Invalid value: {FormatValue(value)}: {detail}", field);

    public static StatusCause Invalid(string field, string value, string detail) =>
        new("FieldValueInvalid", $"Invalid value: {GoQuote(value)}: {detail}", field);

    /// <summary>field.TypeInvalid: the value shown is the JSON type name the client sent.</summary>
    public static StatusCause TypeInvalid(string field, string actualType, string detail) =>
        new("FieldValueTypeInvalid", $"Invalid value: {GoQuote(actualType)}: {detail}", field);

    public static StatusCause Required(string field, string detail = "") =>
        new("FieldValueRequired", detail.Length == 0 ? "Required value" : $"Required value: {detail}", field);

    public static StatusCause NotSupported(string field, JsonNode? value, IEnumerable<string> supported) =>
        new("FieldValueNotSupported", $"Unsupported value: {FormatValue(value)}: supported values: {string.Join(", ", supported.Select(GoQuote))}", field);

    public static StatusCause Forbidden(string field, string detail) =>
        new("FieldValueForbidden", $"Forbidden: {detail}", field);

    /// <summary>field.TooLong: the value itself is not repeated.</summary>
    public static StatusCause TooLong(string field, long max) =>
        new("FieldValueTooLong", $"Too long: may not be more than {max} {(max == 1 ? "byte" : "bytes")}", field);

    public static StatusCause TooMany(string field, long actual, long max) =>
        new("FieldValueTooMany", $"Too many: {actual}: must have at most {max} {(max == 1 ? "item" : "items")}", field);

    public static StatusCause Duplicate(string field, JsonNode? value) =>
        new("FieldValueDuplicate", $"Duplicate value: {FormatValue(value)}", field);

    /// <summary>The "field: message" line the apiserver prints for a cause.</summary>
    public static string Format(StatusCause cause)
    {
        ArgumentNullException.ThrowIfNull(cause);
        return cause.Field is null ? cause.Message : $"{cause.Field}: {cause.Message}";
    }

    /// <summary>Prints a value the way Go's field errors do: strings quoted, numbers and booleans bare, others as JSON.</summary>
    public static string FormatValue(JsonNode? value)
    {
        switch (value)
        {
            case null:
                return "null";
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                return GoQuote(v.GetValue<string>());
            case JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                return v.GetValueKind() == JsonValueKind.True ? "true" : "false";
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                return v.ToJsonString();
            default:
                return value.ToJsonString();
        }
    }

    /// <summary>Go's %q for the strings we meet: double quotes with backslash escapes.</summary>
    public static string GoQuote(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (char.IsControl(c))
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }
}
