using System.Text.Json.Nodes;
using FluxSharp.Kubernetes.Client;

namespace FluxSharp.Kubernetes.Tests;

public sealed class MergePatchTests
{
    [Fact]
    public void DiffNullsRemovedKeysAndKeepsOnlyChanges()
    {
        var from = JsonNode.Parse("""{"a":1,"b":{"c":2,"d":3},"e":[1,2],"gone":true}""")!.AsObject();
        var to = JsonNode.Parse("""{"a":1,"b":{"c":2,"d":4},"e":[1],"new":"x"}""")!.AsObject();
        var patch = MergePatch.Diff(from, to)!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"gone":null,"b":{"d":4},"e":[1],"new":"x"}"""), patch), patch.ToJsonString());
    }

    [Fact]
    public void DiffOfEqualDocumentsIsNull() =>
        Assert.Null(MergePatch.Diff(JsonNode.Parse("""{"a":{"b":1}}""")!.AsObject(), JsonNode.Parse("""{"a":{"b":1}}""")!.AsObject()));
}
