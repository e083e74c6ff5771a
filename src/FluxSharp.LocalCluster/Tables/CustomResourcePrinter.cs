using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Resources;
using FluxSharp.Formats;

namespace FluxSharp.LocalCluster.Tables;

/// <summary>
/// The apiextensions-apiserver table convertor for custom resources: NAME first, then each
/// additionalPrinterColumn (or just Age, .metadata.creationTimestamp, when the CRD declares none).
/// Each column takes the first JSONPath result; "date" columns become ages server-side,
/// "string" columns are printed as jsonpath prints them, other types keep their JSON type.
/// </summary>
internal static class CustomResourcePrinter
{
    private static readonly PrinterColumn DefaultAge = new("Age", "date", ".metadata.creationTimestamp", Column.CreationTimestampDescription);

    public static Printer For(IReadOnlyList<PrinterColumn> printerColumns)
    {
        var columns = printerColumns.Count > 0 ? printerColumns : [DefaultAge];
        var definitions = new List<Column> { Column.NameColumn };
        definitions.AddRange(columns.Select(c => new Column(c.Name, c.Type, c.Description ?? "", c.Priority, c.Format ?? "")));
        return new(definitions, (o, now) =>
        {
            var cells = new List<JsonNode?> { Format.S(Format.Name(o)) };
            foreach (var column in columns)
            {
                cells.Add(Cell(o, column, now));
            }

            return new(cells);
        });
    }

    private static JsonNode? Cell(JsonObject obj, PrinterColumn column, DateTimeOffset now)
    {
        IReadOnlyList<JsonNode?> results;
        try
        {
            results = JsonPathExpression.Evaluate(obj, column.JsonPath);
        }
        catch (FormatException)
        {
            // CRD validation rejects bad paths; a bad one that slipped through prints as an empty cell.
            return null;
        }

        if (results.Count == 0 || results[0] is not { } value)
        {
            return null;
        }

        return column.Type switch
        {
            "string" => JsonValue.Create(PrintResult(value)),
            "integer" => value is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? JsonValue.Create((long)v.GetValue<double>()) : null,
            "number" => value is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? JsonValue.Create(v.GetValue<double>()) : null,
            "boolean" => value is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? JsonValue.Create(v.GetValue<bool>()) : null,
            "date" => value is JsonValue v && v.GetValueKind() == JsonValueKind.String
                ? JsonValue.Create(HumanDuration.TryParse(v.GetValue<string>(), out var t) ? HumanDuration.Format(now - t) : "<invalid>")
                : null,
            _ => null,
        };
    }

    /// <summary>jsonpath PrintResults for one value: strings raw, objects/arrays as compact JSON, numbers as Go's %v.</summary>
    private static string PrintResult(JsonNode value)
    {
        if (value is not JsonValue v)
        {
            return value.ToJsonString();
        }

        return v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number => GoNumber(v.GetValue<double>()),
            _ => v.ToJsonString(),
        };
    }

    /// <summary>Integral JSON numbers decode to int64 in unstructured objects and print plainly; others like Go's %v of float64.</summary>
    private static string GoNumber(double d) =>
        d == Math.Floor(d) && Math.Abs(d) < 1e15 ? ((long)d).ToString(CultureInfo.InvariantCulture) : d.ToString("R", CultureInfo.InvariantCulture);
}
