using System.Text.Json.Nodes;

namespace FluxSharp.LocalCluster.Schema;

/// <summary>
/// CRD structural defaulting: a missing field whose schema has a default gets a copy of it,
/// top-down, so defaults inside a defaulted value apply too. Nulls in non-nullable fields are
/// replaced by the default, or dropped when there is none, as the apiserver does.
/// </summary>
public static class SchemaDefaulter
{
    public static void ApplyDefaults(JsonObject obj, TypeSchema schema)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(schema);
        DefaultNode(obj, schema);
    }

    private static void DefaultNode(JsonNode? node, TypeSchema schema)
    {
        switch (node)
        {
            case JsonObject obj:
                DefaultObject(obj, schema);
                break;
            case JsonArray array when schema.Items is not null:
                foreach (var item in array)
                {
                    DefaultNode(item, schema.Items);
                }

                break;
        }
    }

    private static void DefaultObject(JsonObject obj, TypeSchema schema)
    {
        if (schema.Properties is not null)
        {
            foreach (var (name, property) in schema.Properties)
            {
                var present = obj.TryGetPropertyValue(name, out var value);
                if (present && value is null && !property.Nullable)
                {
                    obj.Remove(name);
                    present = false;
                }

                if (!present && property.Default is not null)
                {
                    obj[name] = property.Default.DeepClone();
                }
            }
        }

        foreach (var (name, value) in obj.ToList())
        {
            var child = schema.Properties is not null && schema.Properties.TryGetValue(name, out var declared)
                ? declared
                : schema.AdditionalProperties;
            if (child is null)
            {
                continue;
            }

            if (value is null && schema.AdditionalProperties == child && !child.Nullable)
            {
                if (child.Default is not null)
                {
                    obj[name] = child.Default.DeepClone();
                }
                else
                {
                    obj.Remove(name);
                }

                continue;
            }

            DefaultNode(obj[name], child);
        }
    }
}
