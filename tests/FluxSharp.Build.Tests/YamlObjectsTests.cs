using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluxSharp.Build.Tests;

public class YamlObjectsTests
{
    [Fact]
    public void ResolvesScalarsLikeKubectl()
    {
        var o = YamlObjects.ParseObjects("""
            a: true
            b: "true"
            c: yes
            d: 0644
            e: 0x1F
            f: 1.5
            g: ~
            h: "1.10"
            i: 1.10
            j: '007'
            k: |
              text
            l: 12345678901234
            m: 2021-01-01
            """).Single();
        Assert.Equal(JsonValueKind.True, o["a"]!.GetValueKind());
        Assert.Equal("true", (string?)o["b"]);
        Assert.True((bool)o["c"]!);
        Assert.Equal(420, (long)o["d"]!);
        Assert.Equal(31, (long)o["e"]!);
        Assert.Equal(1.5, (double)o["f"]!);
        Assert.Null(o["g"]);
        Assert.Equal("1.10", (string?)o["h"]);
        Assert.Equal(1.1, (double)o["i"]!);
        Assert.Equal("007", (string?)o["j"]);
        Assert.Equal("text\n", (string?)o["k"]);
        Assert.Equal(12345678901234, (long)o["l"]!);
        Assert.Equal("2021-01-01", (string?)o["m"]);
    }

    [Fact]
    public void RoundTripsStringsThatLookLikeOtherTypes()
    {
        var o = new JsonObject { ["a"] = "true", ["b"] = "0644", ["c"] = "", ["d"] = "null", ["e"] = "multi\nline\n", ["f"] = 3, ["g"] = "x: y", ["h"] = "2021-01-01", ["i"] = new JsonObject(), ["j"] = new JsonArray() };
        var back = YamlObjects.ParseObjects(YamlObjects.Serialize(o)).Single();
        Assert.True(JsonNode.DeepEquals(o, back), YamlObjects.Serialize(o));
    }

    [Fact]
    public void SyntaxErrorsCarryTheLine()
    {
        var e = Assert.Throws<YamlSyntaxException>(() => YamlObjects.ParseDocuments("a: 1\nb: [c\nd: 2\n"));
        Assert.True(e.Line >= 2);
    }
}
