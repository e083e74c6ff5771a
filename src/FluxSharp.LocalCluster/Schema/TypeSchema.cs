using System.Text.Json.Nodes;

namespace FluxSharp.LocalCluster.Schema;

/// <summary>The JSON type of a schema node, as OpenAPI names it.</summary>
public enum SchemaType
{
    /// <summary>Anything goes (no type given, or x-kubernetes-preserve-unknown-fields without properties).</summary>
    Unknown,
    Object,
    Array,
    String,
    Integer,
    Number,
    Boolean,
    /// <summary>x-kubernetes-int-or-string: an integer or a string.</summary>
    IntOrString,
}

/// <summary>x-kubernetes-list-type: how apply and strategic merge treat a list.</summary>
public enum ListType
{
    Atomic,
    Set,
    Map,
}

/// <summary>
/// The shape of a type as the server needs it for patching, server-side apply, pruning,
/// defaulting, validation and OpenAPI. Built-in kinds get theirs from the KubernetesClient
/// models; custom resources from their CRD's openAPIV3Schema. Graphs may be cyclic
/// (JSONSchemaProps refers to itself), so nodes are reference types built then treated as frozen.
/// </summary>
public sealed class TypeSchema
{
    public SchemaType Type { get; set; } = SchemaType.Unknown;

    /// <summary>Fixed fields of an object (struct). Null for maps and scalars.</summary>
    public Dictionary<string, TypeSchema>? Properties { get; set; }

    /// <summary>Value schema of a map (object with arbitrary keys).</summary>
    public TypeSchema? AdditionalProperties { get; set; }

    /// <summary>Element schema of an array.</summary>
    public TypeSchema? Items { get; set; }

    /// <summary>x-kubernetes-list-type; arrays default to Atomic.</summary>
    public ListType ListType { get; set; } = ListType.Atomic;

    /// <summary>x-kubernetes-list-map-keys when ListType is Map.</summary>
    public IReadOnlyList<string> ListMapKeys { get; set; } = [];

    /// <summary>x-kubernetes-map-type / x-kubernetes-struct-type "atomic": the object is replaced whole.</summary>
    public bool Atomic { get; set; }

    /// <summary>x-kubernetes-patch-merge-key for strategic merge patch.</summary>
    public string? PatchMergeKey { get; set; }

    /// <summary>x-kubernetes-patch-strategy for strategic merge patch ("merge", "replace", "retainKeys", "merge,retainKeys").</summary>
    public string? PatchStrategy { get; set; }

    /// <summary>x-kubernetes-preserve-unknown-fields: fields not in Properties are kept, not pruned.</summary>
    public bool PreserveUnknownFields { get; set; }

    /// <summary>x-kubernetes-embedded-resource: the value is a whole object with apiVersion/kind/metadata.</summary>
    public bool EmbeddedResource { get; set; }

    public bool Nullable { get; set; }

    public JsonNode? Default { get; set; }

    public IReadOnlyList<string> Required { get; set; } = [];

    public string? Description { get; set; }

    public string? Format { get; set; }

    /// <summary>
    /// The raw OpenAPI v3 node this schema came from (CRDs), kept for validation keywords
    /// (enum, pattern, minimum, maxLength, oneOf...) and for serving OpenAPI documents.
    /// Null for built-in kinds.
    /// </summary>
    public JsonObject? Source { get; set; }

    /// <summary>Name of the KubernetesClient model type (e.g. "V1PodSpec") for built-ins; used as the OpenAPI definition name.</summary>
    public string? ModelName { get; set; }

    /// <summary>A schema that accepts anything and keeps unknown fields.</summary>
    public static TypeSchema Any() => new() { Type = SchemaType.Unknown, PreserveUnknownFields = true };

    /// <summary>The schema of field <paramref name="name"/> of an object or map; null when the field is unknown.</summary>
    public TypeSchema? Field(string name)
    {
        if (Properties is not null && Properties.TryGetValue(name, out var field))
        {
            return field;
        }

        if (AdditionalProperties is not null)
        {
            return AdditionalProperties;
        }

        return Type == SchemaType.Unknown || PreserveUnknownFields ? Any() : null;
    }
}
