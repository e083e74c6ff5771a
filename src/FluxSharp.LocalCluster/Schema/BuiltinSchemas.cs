using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Serialization;
using k8s.Models;

namespace FluxSharp.LocalCluster.Schema;

/// <summary>A built-in kind the KubernetesClient models describe.</summary>
public sealed record BuiltinKind(string Group, string Version, string Kind, string Plural, Type ModelType);

/// <summary>
/// TypeSchema trees for built-in kinds, derived by reflection from the KubernetesClient models
/// (the only machine-readable description of them we ship), plus Kubernetes' patch metadata
/// from <see cref="PatchMetadataTable"/> because the models carry none.
/// </summary>
public static class BuiltinSchemas
{
    private static readonly Lazy<Dictionary<(string Group, string Version, string Kind), BuiltinKind>> KindIndex = new(BuildIndex);

    private static readonly ConcurrentDictionary<(string Group, string Version, string Kind), TypeSchema?> Roots = new();

    // One lock guards the per-type memo: graphs are cyclic and partially built nodes must not leak.
    private static readonly Lock BuildLock = new();

    private static readonly Dictionary<Type, TypeSchema> Memo = [];

    private static readonly Lazy<ILookup<string, PatchFieldRow>> RowsByType =
        new(() => PatchMetadataTable.Fields.ToLookup(r => r.ModelType, StringComparer.Ordinal));

    private static readonly HashSet<string> AtomicTypes = new(PatchMetadataTable.AtomicTypes, StringComparer.Ordinal);

    /// <summary>Every kind (including XxxList kinds) a KubernetesClient model is declared for.</summary>
    public static IReadOnlyCollection<BuiltinKind> Kinds => KindIndex.Value.Values;

    /// <summary>The schema of a built-in kind; null when no model describes it.</summary>
    public static TypeSchema? ForKind(string group, string version, string kind) =>
        Roots.GetOrAdd((group, version, kind), key =>
            KindIndex.Value.TryGetValue(key, out var found) ? ForType(found.ModelType) : null);

    /// <summary>The schema of a KubernetesClient model type (e.g. typeof(V1ObjectMeta)).</summary>
    public static TypeSchema ForType(Type modelType)
    {
        lock (BuildLock)
        {
            return Build(modelType);
        }
    }

    private static Dictionary<(string, string, string), BuiltinKind> BuildIndex()
    {
        var index = new Dictionary<(string, string, string), BuiltinKind>();
        var types = typeof(V1Pod).Assembly.GetTypes()
            .Where(t => t.Namespace == "k8s.Models" && t.IsClass && !t.IsAbstract)
            .OrderBy(t => t.Name, StringComparer.Ordinal);
        foreach (var type in types)
        {
            var entity = type.GetCustomAttribute<KubernetesEntityAttribute>();
            if (entity?.Kind is null || entity.ApiVersion is null)
            {
                continue;
            }

            var key = (entity.Group ?? string.Empty, entity.ApiVersion, entity.Kind);
            index.TryAdd(key, new BuiltinKind(key.Item1, key.ApiVersion, key.Kind, entity.PluralName ?? string.Empty, type));
        }

        return index;
    }

    private static TypeSchema Build(Type type)
    {
        if (Memo.TryGetValue(type, out var known))
        {
            return known;
        }

        var scalar = Scalar(type);
        if (scalar is not null)
        {
            return scalar;
        }

        // Register before filling properties so self-references (JSONSchemaProps) resolve to this node.
        var node = new TypeSchema { Type = SchemaType.Object, ModelName = type.Name, Properties = [] };
        Memo[type] = node;
        node.Atomic = AtomicTypes.Contains(type.Name);

        var rows = RowsByType.Value[type.Name].ToDictionary(r => r.Field, StringComparer.Ordinal);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var jsonName = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name;
            if (jsonName is null)
            {
                continue;
            }

            var fieldSchema = ForProperty(property.PropertyType);
            if (rows.TryGetValue(jsonName, out var row))
            {
                fieldSchema = WithPatchMetadata(fieldSchema, row);
            }

            node.Properties[jsonName] = fieldSchema;
        }

        return node;
    }

    /// <summary>The schema of a property of the given CLR type; arrays and maps get a fresh node so patch metadata can be attached per field.</summary>
    private static TypeSchema ForProperty(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(byte[]))
        {
            return new TypeSchema { Type = SchemaType.String, Format = "byte" };
        }

        if (underlying.IsGenericType)
        {
            var definition = underlying.GetGenericTypeDefinition();
            var args = underlying.GetGenericArguments();
            if (definition == typeof(IDictionary<,>) || definition == typeof(Dictionary<,>))
            {
                return new TypeSchema { Type = SchemaType.Object, AdditionalProperties = ForProperty(args[1]) };
            }

            if (definition == typeof(IList<>) || definition == typeof(List<>) || definition == typeof(IEnumerable<>))
            {
                return new TypeSchema { Type = SchemaType.Array, Items = ForProperty(args[0]) };
            }
        }

        return Build(underlying);
    }

    private static TypeSchema? Scalar(Type type)
    {
        if (type == typeof(string))
        {
            return new TypeSchema { Type = SchemaType.String };
        }

        if (type == typeof(int))
        {
            return new TypeSchema { Type = SchemaType.Integer, Format = "int32" };
        }

        if (type == typeof(long))
        {
            return new TypeSchema { Type = SchemaType.Integer, Format = "int64" };
        }

        if (type == typeof(double) || type == typeof(float))
        {
            return new TypeSchema { Type = SchemaType.Number, Format = "double" };
        }

        if (type == typeof(bool))
        {
            return new TypeSchema { Type = SchemaType.Boolean };
        }

        if (type == typeof(DateTime) || type == typeof(DateTimeOffset))
        {
            return new TypeSchema { Type = SchemaType.String, Format = "date-time" };
        }

        if (type == typeof(IntOrString))
        {
            return new TypeSchema { Type = SchemaType.IntOrString, Format = "int-or-string" };
        }

        // Quantities are strings on the wire but clients also send plain numbers ("cpu: 1");
        // the "quantity" format lets validation accept both.
        if (type == typeof(ResourceQuantity))
        {
            return new TypeSchema { Type = SchemaType.String, Format = "quantity" };
        }

        // RawExtension, JSON and similar free-form values.
        if (type == typeof(object) || type.Namespace != "k8s.Models")
        {
            return TypeSchema.Any();
        }

        return null;
    }

    /// <summary>
    /// Attaches a table row to a field. Arrays and maps are per-field nodes and are annotated in place;
    /// a shared model node is copied first so other uses of the model are unaffected.
    /// </summary>
    private static TypeSchema WithPatchMetadata(TypeSchema field, PatchFieldRow row)
    {
        var target = field.Type is SchemaType.Array || (field.AdditionalProperties is not null && field.ModelName is null)
            ? field
            : ShallowCopy(field);
        target.PatchMergeKey = row.MergeKey;
        target.PatchStrategy = row.Strategy;
        if (row.ListType is { } listType)
        {
            target.ListType = listType;
            target.ListMapKeys = row.ListMapKeys;
        }

        if (row.AtomicMap)
        {
            target.Atomic = true;
        }

        return target;
    }

    private static TypeSchema ShallowCopy(TypeSchema s) => new()
    {
        Type = s.Type,
        Properties = s.Properties,
        AdditionalProperties = s.AdditionalProperties,
        Items = s.Items,
        ListType = s.ListType,
        ListMapKeys = s.ListMapKeys,
        Atomic = s.Atomic,
        PatchMergeKey = s.PatchMergeKey,
        PatchStrategy = s.PatchStrategy,
        PreserveUnknownFields = s.PreserveUnknownFields,
        EmbeddedResource = s.EmbeddedResource,
        Nullable = s.Nullable,
        Default = s.Default,
        Required = s.Required,
        Description = s.Description,
        Format = s.Format,
        Source = s.Source,
        ModelName = s.ModelName,
    };
}
