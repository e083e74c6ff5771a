using System.Collections;
using System.Reflection;
using System.Text.Json.Serialization;
using FluxSharp.LocalCluster.Protobuf;
using k8s.Models;

namespace FluxSharp.LocalCluster.Tests.Protobuf;

/// <summary>
/// Cross-checks the generated schema's JSON names against an independent source: the KubernetesClient
/// models' [JsonPropertyName]s (generated from OpenAPI). A proto field the model lacks is tolerated (the
/// schema may be newer than the client); a name differing only in case is a naming bug.
/// </summary>
public class ProtoSchemaModelTests
{
    [Fact]
    public void JsonNamesAgreeWithKubernetesClientModels()
    {
        var models = typeof(V1ConfigMap).Assembly.GetTypes()
            .Select(t => (Type: t, Entity: t.GetCustomAttribute<KubernetesEntityAttribute>()))
            .Where(t => t.Entity is not null)
            .ToList();
        var problems = new List<string>();
        var visited = new HashSet<(string, Type)>();
        var matchedKinds = 0;
        var matchedFields = 0;
        foreach (var (type, entity) in models)
        {
            var apiVersion = string.IsNullOrEmpty(entity!.Group) ? entity.ApiVersion : $"{entity.Group}/{entity.ApiVersion}";
            var message = ProtoSchema.MessageForKind(apiVersion, entity.Kind);
            if (message is null || message.Contains(".meta.v1.", StringComparison.Ordinal))
            {
                continue;
            }

            matchedKinds++;
            matchedFields += Walk(message, type, visited, problems);
        }

        Assert.Empty(problems);
        Assert.True(matchedKinds > 100, $"only {matchedKinds} kinds matched a model");
        Assert.True(matchedFields > 1500, $"only {matchedFields} fields matched a model property");
    }

    [Fact]
    public void EveryMessageAFieldNamesIsInTheTable()
    {
        var handDecoded = new[] { "Time", "MicroTime", "Duration", "FieldsV1", "Quantity", "IntOrString", "RawExtension" };
        var missing = ProtoSchema.Kinds()
            .SelectMany(k => Reachable(k.Message))
            .Distinct()
            .Where(name => ProtoSchema.Message(name) is null && !handDecoded.Contains(name[(name.LastIndexOf('.') + 1)..]))
            .ToList();

        Assert.Empty(missing);
        Assert.Equal("k8s.io.api.apps.v1.Deployment", ProtoSchema.MessageForKind("apps/v1", "Deployment"));
        Assert.Equal("k8s.io.api.core.v1.ConfigMap", ProtoSchema.MessageForKind("v1", "ConfigMap"));
        Assert.Equal("k8s.io.api.rbac.v1.ClusterRoleBinding", ProtoSchema.MessageForKind("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"));
    }

    private static HashSet<string> Reachable(string root)
    {
        var seen = new HashSet<string>();
        var queue = new Queue<string>([root]);
        while (queue.TryDequeue(out var name))
        {
            if (!seen.Add(name) || ProtoSchema.Message(name) is not { } message)
            {
                continue;
            }

            foreach (var field in message.Fields.Where(f => f.Type.Kind == ProtoKind.Message))
            {
                queue.Enqueue(field.Type.MessageName!);
            }
        }

        return seen;
    }

    private static int Walk(string messageName, Type model, HashSet<(string, Type)> visited, List<string> problems)
    {
        if (!visited.Add((messageName, model)) || ProtoSchema.Message(messageName) is not { ListWrapper: false } message)
        {
            return 0;
        }

        var properties = model.GetProperties()
            .Select(p => (Property: p, Name: p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name))
            .Where(p => p.Name is not null)
            .ToList();
        var matched = 0;
        foreach (var field in message.Fields)
        {
            if (field.Inline)
            {
                // The models flatten embedded structs, like encoding/json does.
                matched += Walk(field.Type.MessageName!, model, visited, problems);
                continue;
            }

            var property = properties.FirstOrDefault(p => p.Name == field.JsonName).Property;
            if (property is null)
            {
                var nearMiss = properties.FirstOrDefault(p => string.Equals(p.Name, field.JsonName, StringComparison.OrdinalIgnoreCase)).Name;
                if (nearMiss is not null)
                {
                    problems.Add($"{messageName}.{field.JsonName}: the model calls it {nearMiss}");
                }

                continue;
            }

            matched++;
            if (field.Type.Kind == ProtoKind.Message && ElementType(property.PropertyType) is { } inner)
            {
                matched += Walk(field.Type.MessageName!, inner, visited, problems);
            }
        }

        return matched;
    }

    /// <summary>The model class a property holds, through lists and dictionaries; null for scalars.</summary>
    private static Type? ElementType(Type type)
    {
        if (type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type))
        {
            return ElementType(type.GetGenericArguments()[^1]);
        }

        return type.Namespace == "k8s.Models" && type.IsClass ? type : null;
    }
}
