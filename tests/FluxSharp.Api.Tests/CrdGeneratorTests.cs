using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using FluxSharp.Api.Schema;
using FluxSharp.Api.Source.V1;
using FluxSharp.Formats;
using k8s;
using k8s.Models;

namespace FluxSharp.Api.Tests;

public class CrdGeneratorTests
{
    [Fact]
    public void XmlDocCommentsBecomeDescriptions()
    {
        var schema = Schema(typeof(GitRepository));
        Assert.Equal("GitRepository is the Schema for the gitrepositories API.", schema["description"]?.GetValue<string>());
        Assert.Equal("Timeout for Git operations like cloning, defaults to 60s.", schema["properties"]!["spec"]!["properties"]!["timeout"]!["description"]?.GetValue<string>());
        Assert.StartsWith("GitRepositoryInclude specifies", schema["properties"]!["spec"]!["properties"]!["include"]!["items"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void YamlReadsBackAsTheSameObject()
    {
        foreach (var kind in FluxApi.Kinds)
        {
            var json = CrdGenerator.Generate(kind);
            var yaml = CrdGenerator.GenerateYaml(kind);
            Assert.StartsWith("---\n", yaml, StringComparison.Ordinal);
            Assert.True(JsonNode.DeepEquals(json, YamlJson.Parse(yaml)), $"{kind.Name}: YAML does not read back as the generated object");
        }
    }

    [Fact]
    public void JsonLikeTypesMapToKubernetesExtensions()
    {
        var properties = Schema(typeof(Sample))["properties"]!["spec"]!["properties"]!;
        Assert.Equal(true, properties["port"]!["x-kubernetes-int-or-string"]?.GetValue<bool>());
        Assert.Equal(true, properties["values"]!["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>());
        Assert.Null(properties["values"]!["type"]);
        Assert.Equal("object", properties["object"]!["type"]?.GetValue<string>());
        Assert.Equal(true, properties["object"]!["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>());
        Assert.Equal("int32", properties["replicas"]!["format"]?.GetValue<string>());
        Assert.Equal("set", properties["tags"]!["x-kubernetes-list-type"]?.GetValue<string>());
        Assert.Equal("a", properties["tags"]!["items"]!["enum"]![0]?.GetValue<string>());
        Assert.Equal("integer", properties["counts"]!["additionalProperties"]!["type"]?.GetValue<string>());
        Assert.Equal("Cluster", CrdGenerator.Generate(typeof(Sample))["spec"]!["scope"]?.GetValue<string>());
    }

    [Fact]
    public void RootTypesWithoutTheAttributeAreRefused()
    {
        Assert.Throws<ArgumentException>(() => CrdGenerator.Generate(typeof(SampleSpec)));
    }

    private static JsonObject Schema(Type type) =>
        (JsonObject)CrdGenerator.Generate(type)["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!;

    [CustomResource("example.com", "v1", "Sample", "samples", Scope = "Cluster")]
    private sealed record Sample : IKubernetesObject<V1ObjectMeta>
    {
        [JsonPropertyName("apiVersion")]
        public string ApiVersion { get; set; } = "example.com/v1";

        [JsonPropertyName("kind")]
        public string Kind { get; set; } = "Sample";

        [JsonPropertyName("metadata")]
        public V1ObjectMeta Metadata { get; set; } = new();

        [JsonPropertyName("spec")]
        public SampleSpec? Spec { get; set; }
    }

    private sealed record SampleSpec
    {
        [JsonPropertyName("port")]
        public IntOrString? Port { get; init; }

        [JsonPropertyName("values")]
        public JsonNode? Values { get; init; }

        [JsonPropertyName("object")]
        public JsonObject? Object { get; init; }

        [JsonPropertyName("replicas")]
        public int? Replicas { get; init; }

        [JsonPropertyName("tags")]
        [ListType("set")]
        [Enum("a", "b", OnItems = true)]
        public IReadOnlyList<string>? Tags { get; init; }

        [JsonPropertyName("counts")]
        public IDictionary<string, long>? Counts { get; init; }
    }
}
