using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Schema;

namespace FluxSharp.LocalCluster.Tests.Apply;

/// <summary>Hand-built schemas shaped like a Deployment and like a CRD with x-kubernetes-list-map-keys.</summary>
internal static class ApplySchemas
{
    public static TypeSchema Deployment { get; } = BuildDeployment();

    public static TypeSchema Crd { get; } = BuildCrd();

    private static TypeSchema Str() => new() { Type = SchemaType.String };

    private static TypeSchema Int() => new() { Type = SchemaType.Integer };

    private static TypeSchema Obj(Dictionary<string, TypeSchema> properties) => new() { Type = SchemaType.Object, Properties = properties };

    private static TypeSchema StringMap() => new() { Type = SchemaType.Object, AdditionalProperties = Str() };

    private static TypeSchema ObjectMeta() => Obj(new()
    {
        ["name"] = Str(),
        ["namespace"] = Str(),
        ["uid"] = Str(),
        ["resourceVersion"] = Str(),
        ["generation"] = Int(),
        ["creationTimestamp"] = Str(),
        ["labels"] = StringMap(),
        ["annotations"] = StringMap(),
        ["finalizers"] = new() { Type = SchemaType.Array, Items = Str(), PatchStrategy = "merge" },
        ["managedFields"] = new() { Type = SchemaType.Array, Items = new() { Type = SchemaType.Object } },
    });

    private static TypeSchema BuildDeployment()
    {
        var env = new TypeSchema
        {
            Type = SchemaType.Array,
            PatchMergeKey = "name",
            PatchStrategy = "merge",
            Items = Obj(new() { ["name"] = Str(), ["value"] = Str() }),
        };
        var ports = new TypeSchema
        {
            Type = SchemaType.Array,
            ListType = ListType.Map,
            ListMapKeys = ["containerPort", "protocol"],
            Items = Obj(new() { ["containerPort"] = Int(), ["protocol"] = new() { Type = SchemaType.String, Default = JsonValue.Create("TCP") }, ["name"] = Str() }),
        };
        var container = Obj(new()
        {
            ["name"] = Str(),
            ["image"] = Str(),
            ["args"] = new() { Type = SchemaType.Array, Items = Str() },
            ["env"] = env,
            ["ports"] = ports,
            ["resources"] = Obj(new() { ["limits"] = StringMap(), ["requests"] = StringMap() }),
        });
        var podSpec = Obj(new()
        {
            ["containers"] = new() { Type = SchemaType.Array, ListType = ListType.Map, ListMapKeys = ["name"], PatchMergeKey = "name", PatchStrategy = "merge", Items = container },
            ["serviceAccountName"] = Str(),
        });
        var selector = Obj(new() { ["matchLabels"] = StringMap() });
        selector.Atomic = true;
        return Obj(new()
        {
            ["apiVersion"] = Str(),
            ["kind"] = Str(),
            ["metadata"] = ObjectMeta(),
            ["spec"] = Obj(new()
            {
                ["replicas"] = Int(),
                ["paused"] = new() { Type = SchemaType.Boolean },
                ["selector"] = selector,
                ["template"] = Obj(new() { ["metadata"] = ObjectMeta(), ["spec"] = podSpec }),
            }),
        });
    }

    private static TypeSchema BuildCrd()
    {
        var items = new TypeSchema
        {
            Type = SchemaType.Array,
            ListType = ListType.Map,
            ListMapKeys = ["id"],
            Items = Obj(new() { ["id"] = Str(), ["value"] = Str() }),
        };
        var spec = Obj(new() { ["items"] = items, ["interval"] = Str(), ["tags"] = new() { Type = SchemaType.Array, ListType = ListType.Set, Items = Str() } });
        spec.PreserveUnknownFields = true;
        return Obj(new()
        {
            ["apiVersion"] = Str(),
            ["kind"] = Str(),
            ["metadata"] = ObjectMeta(),
            ["spec"] = spec,
        });
    }
}

/// <summary>Serializes like the apiserver (quotes inside keys stay \" rather than \u0022).</summary>
internal static class TestJson
{
    public static readonly System.Text.Json.JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
