using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Apply;

namespace FluxSharp.LocalCluster.Tests.Apply;

public class FieldSetTests
{
    // As stored by a real apiserver for a Deployment created with kubectl create.
    private const string RealFieldsV1 = """{"f:metadata":{"f:annotations":{".":{},"f:deployment.kubernetes.io/revision":{}},"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:progressDeadlineSeconds":{},"f:replicas":{},"f:selector":{},"f:strategy":{"f:rollingUpdate":{".":{},"f:maxSurge":{},"f:maxUnavailable":{}},"f:type":{}},"f:template":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:name":{},"f:ports":{".":{},"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:protocol":{}}}}}}}}}""";

    [Fact]
    public void RoundTripsTheRealFormat()
    {
        var json = """{"f:metadata":{"f:finalizers":{".":{},"v:\"finalizers.fluxcd.io\"":{}},"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:name":{},"f:ports":{".":{},"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:protocol":{}}}}}}}},"f:status":{"f:conditions":{"i:0":{}}}}""";
        var set = FieldSet.Parse(JsonNode.Parse(json)!.AsObject());

        Assert.Equal(json, set.ToJson().ToJsonString(TestJson.Relaxed));
    }

    [Fact]
    public void SortsKeysLikeTheApiserver()
    {
        var scrambled = """{"f:b":{},"f:a":{"k:{\"protocol\":\"TCP\",\"containerPort\":8080}":{},"k:{\"containerPort\":80,\"protocol\":\"UDP\"}":{},"f:z":{},".":{}}}""";
        var set = FieldSet.Parse(JsonNode.Parse(scrambled)!.AsObject());

        Assert.Equal(
            """{"f:a":{".":{},"f:z":{},"k:{\"containerPort\":80,\"protocol\":\"UDP\"}":{},"k:{\"containerPort\":8080,\"protocol\":\"TCP\"}":{}},"f:b":{}}""",
            set.ToJson().ToJsonString(TestJson.Relaxed));
    }

    [Fact]
    public void EnumeratesAndFormatsPaths()
    {
        var set = FieldSet.Parse(JsonNode.Parse(RealFieldsV1)!.AsObject());
        var paths = set.Paths().Select(p => p.ToString()).ToList();

        Assert.Contains(".spec.template.spec.containers[name=\"nginx\"].image", paths);
        Assert.Contains(".spec.template.spec.containers[name=\"nginx\"].ports[containerPort=80,protocol=\"TCP\"]", paths);
        Assert.Contains(".metadata.labels", paths);
        Assert.Equal(".metadata.annotations", paths[0]);
    }

    [Fact]
    public void SetOperations()
    {
        var a = FieldSet.Parse(JsonNode.Parse("""{"f:spec":{"f:replicas":{},"f:paused":{}}}""")!.AsObject());
        var b = FieldSet.Parse(JsonNode.Parse("""{"f:spec":{"f:replicas":{},"f:selector":{}}}""")!.AsObject());

        Assert.Equal("""{"f:spec":{"f:paused":{},"f:replicas":{},"f:selector":{}}}""", a.Union(b).ToJson().ToJsonString(TestJson.Relaxed));
        Assert.Equal("""{"f:spec":{"f:paused":{}}}""", a.Difference(b).ToJson().ToJsonString(TestJson.Relaxed));
        Assert.Equal("""{"f:spec":{"f:replicas":{}}}""", a.Intersect(b).ToJson().ToJsonString(TestJson.Relaxed));
        Assert.True(a.Difference(a).IsEmpty);
        Assert.True(a.Contains(FieldPath.Of("spec", "paused")));
        Assert.False(a.Contains(FieldPath.Of("spec")));
    }

    [Fact]
    public void RejectsMalformedKeys()
    {
        Assert.Throws<ApiException>(() => FieldSet.Parse(JsonNode.Parse("""{"x:spec":{}}""")!.AsObject()));
        Assert.Throws<ApiException>(() => FieldSet.Parse(JsonNode.Parse("""{"k:{bad":{}}""")!.AsObject()));
    }
}
