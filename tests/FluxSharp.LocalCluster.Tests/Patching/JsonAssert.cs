using System.Text.Json.Nodes;

namespace FluxSharp.LocalCluster.Tests.Patching;

/// <summary>Small helpers so the patch tests read as JSON in, JSON out.</summary>
internal static class JsonAssert
{
    public static JsonNode Parse(string json) => JsonNode.Parse(json)!;

    /// <summary>Structural equality (object member order ignored, array order significant), with both texts on failure.</summary>
    public static void Equal(string expected, JsonNode? actual)
    {
        var expectedNode = JsonNode.Parse(expected);
        Assert.True(
            JsonNode.DeepEquals(expectedNode, actual),
            $"expected {expectedNode?.ToJsonString() ?? "null"}\n     got {actual?.ToJsonString() ?? "null"}");
    }
}
