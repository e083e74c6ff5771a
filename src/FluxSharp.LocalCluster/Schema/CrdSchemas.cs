using System.Text.Json.Nodes;
using k8s.Models;

namespace FluxSharp.LocalCluster.Schema;

/// <summary>
/// Turns a CustomResourceDefinition's openAPIV3Schema into a TypeSchema. The raw node is kept in
/// <see cref="TypeSchema.Source"/> for the validation keywords the tree does not model.
/// </summary>
public static class CrdSchemas
{
    /// <summary>Maps the root schema of a custom resource; apiVersion, kind and metadata are always declared, metadata as ObjectMeta.</summary>
    public static TypeSchema FromOpenApiV3(JsonObject openAPIV3Schema)
    {
        ArgumentNullException.ThrowIfNull(openAPIV3Schema);
        var root = Map(openAPIV3Schema);
        DeclareObjectFields(root);
        return root;
    }

    /// <summary>Maps any schema node (no special root handling).</summary>
    public static TypeSchema Map(JsonObject node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var schema = new TypeSchema
        {
            Source = node,
            Type = TypeOf(node),
            Format = Str(node, "format"),
            Description = Str(node, "description"),
            Nullable = Bool(node, "nullable"),
            PreserveUnknownFields = Bool(node, "x-kubernetes-preserve-unknown-fields"),
            EmbeddedResource = Bool(node, "x-kubernetes-embedded-resource"),
            Default = node["default"]?.DeepClone(),
        };

        if (node["required"] is JsonArray required)
        {
            schema.Required = required.Select(r => r?.GetValue<string>()).OfType<string>().ToArray();
        }

        if (node["properties"] is JsonObject properties)
        {
            schema.Properties = [];
            foreach (var (name, value) in properties)
            {
                schema.Properties[name] = value is JsonObject child ? Map(child) : TypeSchema.Any();
            }
        }

        switch (node["additionalProperties"])
        {
            case JsonObject additional:
                schema.AdditionalProperties = Map(additional);
                break;
            case JsonValue allowed when allowed.TryGetValue<bool>(out var yes) && yes:
                schema.AdditionalProperties = TypeSchema.Any();
                break;
        }

        if (node["items"] is JsonObject items)
        {
            schema.Items = Map(items);
        }

        schema.ListType = Str(node, "x-kubernetes-list-type") switch
        {
            "set" => ListType.Set,
            "map" => ListType.Map,
            _ => ListType.Atomic,
        };
        if (node["x-kubernetes-list-map-keys"] is JsonArray keys)
        {
            schema.ListMapKeys = keys.Select(k => k?.GetValue<string>()).OfType<string>().ToArray();
        }

        schema.Atomic = Str(node, "x-kubernetes-map-type") == "atomic";

        if (schema.EmbeddedResource)
        {
            DeclareObjectFields(schema);
        }

        return schema;
    }

    /// <summary>
    /// The apiserver always accepts apiVersion, kind and metadata at the root and in embedded
    /// resources, and treats metadata as ObjectMeta whatever the CRD says about it.
    /// </summary>
    private static void DeclareObjectFields(TypeSchema schema)
    {
        schema.Type = SchemaType.Object;
        schema.Properties ??= [];
        if (!schema.Properties.ContainsKey("apiVersion"))
        {
            schema.Properties["apiVersion"] = new TypeSchema { Type = SchemaType.String };
        }

        if (!schema.Properties.ContainsKey("kind"))
        {
            schema.Properties["kind"] = new TypeSchema { Type = SchemaType.String };
        }

        schema.Properties["metadata"] = BuiltinSchemas.ForType(typeof(V1ObjectMeta));
    }

    private static SchemaType TypeOf(JsonObject node)
    {
        if (Bool(node, "x-kubernetes-int-or-string"))
        {
            return SchemaType.IntOrString;
        }

        return Str(node, "type") switch
        {
            "object" => SchemaType.Object,
            "array" => SchemaType.Array,
            "string" => SchemaType.String,
            "integer" => SchemaType.Integer,
            "number" => SchemaType.Number,
            "boolean" => SchemaType.Boolean,
            _ => SchemaType.Unknown,
        };
    }

    internal static string? Str(JsonObject node, string name) =>
        node[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    internal static bool Bool(JsonObject node, string name) =>
        node[name] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
}
