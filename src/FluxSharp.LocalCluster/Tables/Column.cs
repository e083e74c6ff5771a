using System.Text.Json.Nodes;

namespace FluxSharp.LocalCluster.Tables;

/// <summary>A metav1.TableColumnDefinition.</summary>
internal sealed record Column(string Name, string Type, string Description, int Priority = 0, string Format = "")
{
    public const string NameDescription = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";

    public const string CreationTimestampDescription = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

    public static Column NameColumn { get; } = new("Name", "string", NameDescription, Format: "name");

    public static Column Age { get; } = new("Age", "string", CreationTimestampDescription);

    public static Column CreatedAt { get; } = new("Created At", "date", CreationTimestampDescription);

    public JsonObject ToJson() => new()
    {
        ["name"] = Name,
        ["type"] = Type,
        ["format"] = Format,
        ["description"] = Description,
        ["priority"] = Priority,
    };
}

/// <summary>One printed row: its cells in column order and optional metav1.TableRowConditions.</summary>
internal sealed record PrintedRow(IReadOnlyList<JsonNode?> Cells, JsonArray? Conditions = null);

/// <summary>How one kind is printed: its columns and a function from object (and "now", for ages) to cells.</summary>
internal sealed record Printer(IReadOnlyList<Column> Columns, Func<JsonObject, DateTimeOffset, PrintedRow> Print);
