using System.Reflection;
using System.Text.Json.Nodes;
using FluxSharp.Formats;

namespace FluxSharp.Api.Schema;

/// <summary>
/// Generates an <c>apiextensions.k8s.io/v1</c> CustomResourceDefinition from a root API type marked with
/// <see cref="CustomResourceAttribute"/>: names, scope, one served and stored version with the status
/// subresource, printer columns and the OpenAPI v3 schema. Output is deterministic (object keys sorted
/// inside the schema, as controller-gen writes them).
/// </summary>
public static class CrdGenerator
{
    public static JsonObject Generate(Type rootType)
    {
        ArgumentNullException.ThrowIfNull(rootType);
        var resource = Resource(rootType);

        var metadata = new JsonObject();
        var annotations = rootType.GetCustomAttributes<CrdAnnotationAttribute>(inherit: false)
            .OrderBy(a => a.Key, StringComparer.Ordinal)
            .ToList();
        if (annotations.Count > 0)
        {
            metadata["annotations"] = new JsonObject(annotations.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)JsonValue.Create(a.Value))));
        }

        metadata["name"] = $"{resource.Plural}.{resource.Group}";

        var names = new JsonObject();
        if (resource.Categories.Length > 0)
        {
            names["categories"] = Strings(resource.Categories);
        }

        names["kind"] = resource.Kind;
        names["listKind"] = resource.Kind + "List";
        names["plural"] = resource.Plural;
        if (resource.ShortNames.Length > 0)
        {
            names["shortNames"] = Strings(resource.ShortNames);
        }

        names["singular"] = resource.Singular ?? resource.Kind.ToLowerInvariant();

        var version = new JsonObject();
        var columns = rootType.GetCustomAttributes<PrinterColumnAttribute>(inherit: false).OrderBy(c => c.Order).ToList();
        if (columns.Count > 0)
        {
            version["additionalPrinterColumns"] = new JsonArray(columns.Select(c => (JsonNode?)Column(c)).ToArray());
        }

        version["name"] = resource.Version;
        version["schema"] = new JsonObject { ["openAPIV3Schema"] = SortKeys(SchemaBuilder.ForRoot(rootType)) };
        version["served"] = true;
        version["storage"] = true;
        // Kinds without a status (Flux's v1beta3 Alert and Provider) still say "subresources: {}", as controller-gen writes.
        version["subresources"] = resource.StatusSubresource ? new JsonObject { ["status"] = new JsonObject() } : new JsonObject();

        return new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = metadata,
            ["spec"] = new JsonObject
            {
                ["group"] = resource.Group,
                ["names"] = names,
                ["scope"] = resource.Scope,
                ["versions"] = new JsonArray(version),
            },
        };
    }

    /// <summary>The CRD as YAML, starting with a "---" document marker.</summary>
    public static string GenerateYaml(Type rootType) => "---\n" + YamlJson.Serialize(Generate(rootType));

    /// <summary>The <see cref="CustomResourceAttribute"/> of a root type.</summary>
    public static CustomResourceAttribute Resource(Type rootType)
    {
        ArgumentNullException.ThrowIfNull(rootType);
        return rootType.GetCustomAttribute<CustomResourceAttribute>(inherit: false)
            ?? throw new ArgumentException($"{rootType.FullName} has no [CustomResource] attribute", nameof(rootType));
    }

    /// <summary>The file name Flux and FluxSharp use for a CRD: <c>&lt;group&gt;_&lt;plural&gt;.yaml</c>.</summary>
    public static string FileName(Type rootType)
    {
        var resource = Resource(rootType);
        return $"{resource.Group}_{resource.Plural}.yaml";
    }

    private static JsonObject Column(PrinterColumnAttribute column)
    {
        var json = new JsonObject();
        if (column.Description is not null)
        {
            json["description"] = column.Description;
        }

        if (column.Format is not null)
        {
            json["format"] = column.Format;
        }

        json["jsonPath"] = column.JsonPath;
        json["name"] = column.Name;
        if (column.Priority != 0)
        {
            json["priority"] = column.Priority;
        }

        json["type"] = column.Type;
        return json;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    /// <summary>Rebuilds every object with its keys in ordinal order (arrays keep their order).</summary>
    private static JsonObject SortKeys(JsonObject node) => (JsonObject)SortNode(node)!;

    private static JsonNode? SortNode(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, SortNode(p.Value)))),
        JsonArray array => new JsonArray(array.Select(SortNode).ToArray()),
        _ => node?.DeepClone(),
    };
}
