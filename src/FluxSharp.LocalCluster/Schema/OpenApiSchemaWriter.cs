using System.Text.Json.Nodes;
using k8s.Models;

namespace FluxSharp.LocalCluster.Schema;

/// <summary>
/// Writes TypeSchemas as OpenAPI schema objects (v3 components or v2 definitions). Named built-in
/// models become shared definitions referenced as the apiserver does (v3: allOf:[{$ref}]), which is
/// how kubectl's strategic-merge code walks them; field-level patch metadata stays on the field.
/// </summary>
internal sealed class OpenApiSchemaWriter(bool v3)
{
    public static readonly string ObjectMetaName = nameof(V1ObjectMeta);
    public static readonly string ListMetaName = nameof(V1ListMeta);
    public const string PatchName = "V1Patch";

    private static readonly string[] NotInSwagger2 = ["nullable", "anyOf", "oneOf", "not", "x-kubernetes-validations"];

    public SortedDictionary<string, JsonObject> Definitions { get; } = new(StringComparer.Ordinal);

    public bool V3 => v3;

    public JsonObject Ref(string name)
    {
        var target = (v3 ? "#/components/schemas/" : "#/definitions/") + name;
        return v3
            ? new JsonObject { ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = target }) }
            : new JsonObject { ["$ref"] = target };
    }

    /// <summary>Defines the top-level schema of a resource kind with its x-kubernetes-group-version-kind.</summary>
    public void DefineKind(string name, TypeSchema schema, string group, string version, string kind)
    {
        if (schema.Source is not null)
        {
            Definitions[name] = CustomResource(schema.Source);
        }
        else
        {
            Define(name, schema);
        }

        var gvks = Definitions[name]["x-kubernetes-group-version-kind"] as JsonArray ?? [];
        if (!gvks.OfType<JsonObject>().Any(g => (string?)g["group"] == group && (string?)g["version"] == version && (string?)g["kind"] == kind))
        {
            gvks.Add(new JsonObject { ["group"] = group, ["kind"] = kind, ["version"] = version });
        }

        Definitions[name]["x-kubernetes-group-version-kind"] = gvks;
    }

    /// <summary>A list kind: apiVersion, kind, ListMeta and items of the given kind.</summary>
    public void DefineList(string name, string itemName)
    {
        if (Definitions.ContainsKey(name))
        {
            return;
        }

        Define(ListMetaName, BuiltinSchemas.ForType(typeof(V1ListMeta)));
        Definitions[name] = new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["apiVersion"] = new JsonObject { ["type"] = "string" },
                ["items"] = new JsonObject { ["items"] = Ref(itemName), ["type"] = "array" },
                ["kind"] = new JsonObject { ["type"] = "string" },
                ["metadata"] = Ref(ListMetaName),
            },
            ["required"] = new JsonArray("items"),
            ["type"] = "object",
        };
    }

    public void DefineModel(Type modelType) => Define(modelType.Name, BuiltinSchemas.ForType(modelType));

    /// <summary>A field's schema: named models by reference, the rest inline, plus the field's patch metadata.</summary>
    public JsonObject Field(TypeSchema s)
    {
        JsonObject o;
        if (s.ModelName is { } name && s.Properties is not null)
        {
            Define(name, s);
            o = Ref(name);
        }
        else
        {
            o = Inline(s);
        }

        if (s.PatchMergeKey is not null)
        {
            o["x-kubernetes-patch-merge-key"] = s.PatchMergeKey;
        }

        if (s.PatchStrategy is not null)
        {
            o["x-kubernetes-patch-strategy"] = s.PatchStrategy;
        }

        return o;
    }

    private void Define(string name, TypeSchema s)
    {
        if (Definitions.ContainsKey(name))
        {
            return;
        }

        // Registered before its fields are written: model graphs are cyclic (JSONSchemaProps).
        var o = new JsonObject();
        Definitions[name] = o;
        var properties = new JsonObject();
        foreach (var (field, schema) in (s.Properties ?? []).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            properties[field] = Field(schema);
        }

        o["properties"] = properties;
        if (s.Required.Count > 0)
        {
            o["required"] = new JsonArray(s.Required.Select(r => (JsonNode?)r).ToArray());
        }

        o["type"] = "object";
        if (s.Atomic)
        {
            o["x-kubernetes-map-type"] = "atomic";
        }
    }

    private JsonObject Inline(TypeSchema s)
    {
        var o = new JsonObject();
        if (s.Description is not null)
        {
            o["description"] = s.Description;
        }

        switch (s.Type)
        {
            case SchemaType.Object:
                if (s.AdditionalProperties is not null)
                {
                    o["additionalProperties"] = Field(s.AdditionalProperties);
                }

                if (s.Properties is not null)
                {
                    var properties = new JsonObject();
                    foreach (var (field, schema) in s.Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
                    {
                        properties[field] = Field(schema);
                    }

                    o["properties"] = properties;
                }

                o["type"] = "object";
                if (s.Atomic)
                {
                    o["x-kubernetes-map-type"] = "atomic";
                }

                break;
            case SchemaType.Array:
                o["items"] = s.Items is null ? new JsonObject() : Field(s.Items);
                o["type"] = "array";
                if (s.ListType == ListType.Map)
                {
                    o["x-kubernetes-list-map-keys"] = new JsonArray(s.ListMapKeys.Select(k => (JsonNode?)k).ToArray());
                }

                o["x-kubernetes-list-type"] = s.ListType switch
                {
                    ListType.Map => "map",
                    ListType.Set => "set",
                    _ => "atomic",
                };
                break;
            case SchemaType.IntOrString:
                o["format"] = "int-or-string";
                o["type"] = "string";
                break;
            case SchemaType.Unknown:
                if (s.PreserveUnknownFields)
                {
                    o["type"] = "object";
                    o["x-kubernetes-preserve-unknown-fields"] = true;
                }

                break;
            default:
                if (s.Format is not null)
                {
                    o["format"] = s.Format;
                }

                o["type"] = s.Type.ToString().ToLowerInvariant();
                break;
        }

        return o;
    }

    /// <summary>
    /// A CRD's schema as published: the CRD's own openAPIV3Schema with metadata replaced by a
    /// reference to ObjectMeta (the apiserver does the same); swagger 2 loses the keywords it lacks.
    /// </summary>
    private JsonObject CustomResource(JsonObject source)
    {
        var o = (JsonObject)source.DeepClone();
        if (!v3)
        {
            StripSwagger2(o);
        }

        var properties = o["properties"] as JsonObject ?? [];
        Define(ObjectMetaName, BuiltinSchemas.ForType(typeof(V1ObjectMeta)));
        properties["metadata"] = Ref(ObjectMetaName);
        properties["apiVersion"] ??= new JsonObject { ["type"] = "string" };
        properties["kind"] ??= new JsonObject { ["type"] = "string" };
        o["properties"] = properties;
        o["type"] = "object";
        return o;
    }

    private static void StripSwagger2(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in NotInSwagger2)
                {
                    obj.Remove(key);
                }

                foreach (var (_, child) in obj.ToList())
                {
                    StripSwagger2(child);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    StripSwagger2(child);
                }

                break;
        }
    }
}
