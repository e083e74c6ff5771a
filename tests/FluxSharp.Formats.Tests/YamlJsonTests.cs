using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluxSharp.Formats.Tests;

public class YamlJsonTests
{
    [Fact]
    public void ResolvesScalarsLikeKubectl()
    {
        var o = YamlJson.ParseObjects("""
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
        var back = YamlJson.ParseObjects(YamlJson.Serialize(o)).Single();
        Assert.True(JsonNode.DeepEquals(o, back), YamlJson.Serialize(o));
    }

    [Fact]
    public void SyntaxErrorsCarryTheLine()
    {
        var e = Assert.Throws<YamlSyntaxException>(() => YamlJson.ParseDocuments("a: 1\nb: [c\nd: 2\n"));
        Assert.True(e.Line >= 2);
    }

    [Fact]
    public void MergeKeysBringInMappingsTheObjectDoesNotSetItself()
    {
        var o = YamlJson.ParseObjects("""
            base: &b {x: 1, y: 2}
            extra: &e {y: 3, z: 4}
            one:
              x: 9
              <<: *b
            many:
              <<: [*b, *e]
              z: 5
            """).Single();
        Assert.Equal("""{"x":9,"y":2}""", o["one"]!.ToJsonString());
        Assert.Equal("""{"x":1,"y":2,"z":5}""", o["many"]!.ToJsonString());
    }

    [Fact]
    public void EmptyDocumentsAreSkippedAndParseTakesTheFirstObject()
    {
        Assert.Equal(2, YamlJson.ParseDocuments("---\n---\na: 1\n---\n# nothing\n---\nb: 2\n").Count);
        Assert.Equal(1, (long)YamlJson.Parse("---\na: 1\n---\nb: 2\n")!["a"]!);
        Assert.Null(YamlJson.Parse("# only a comment\n"));
    }

    [Fact]
    public void ParseObjectsRefusesADocumentThatIsNotAMapping()
    {
        var e = Assert.Throws<YamlSyntaxException>(() => YamlJson.ParseObjects("a: 1\n---\n- x\n"));
        Assert.Contains("expected a YAML mapping", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DocumentsKeepTheirOwnSourceText()
    {
        var docs = YamlJson.ParseDocumentsWithText("a: '1'\n---\nb: \"2\"\n");
        Assert.Equal(2, docs.Count);
        Assert.Contains("a: '1'", docs[0].Text, StringComparison.Ordinal);
        Assert.Contains("b: \"2\"", docs[1].Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1", "1")]
    [InlineData("-0x1F", "-31")]
    [InlineData("0o17", "15")]
    [InlineData("0b101", "5")]
    [InlineData("1_000", "1000")]
    [InlineData("08", "8")]
    [InlineData("1e3", "1000")]
    [InlineData(".5", "0.5")]
    [InlineData("9223372036854775808", "9.223372036854776E+18")]
    [InlineData("Off", "false")]
    [InlineData("y", "true")]
    [InlineData("NULL", "null")]
    [InlineData(".inf", "\".inf\"")]
    [InlineData("_1", "\"_1\"")]
    [InlineData("1.2.3", "\"1.2.3\"")]
    public void UnquotedScalarsResolveAsYaml11(string plain, string json) =>
        Assert.Equal(json, YamlScalars.Resolve(plain)?.ToJsonString() ?? "null");

    [Theory]
    [InlineData("yes")]
    [InlineData("1.0")]
    [InlineData("0755")]
    [InlineData("0X1F")]
    [InlineData("")]
    [InlineData("~")]
    [InlineData("-.inf")]
    [InlineData("<<")]
    [InlineData("1:30")]
    [InlineData("2021-01-01T00:00:00Z")]
    public void StringsAYaml11ReaderWouldRetypeAreDoubleQuoted(string s) =>
        Assert.Equal($"k: \"{s}\"\n", YamlJson.Serialize(new JsonObject { ["k"] = s }));

    [Fact]
    public void WritesBlockStyleInKeyOrderWithoutWrapping()
    {
        var longText = string.Join(' ', Enumerable.Repeat("word", 100));
        var o = new JsonObject
        {
            ["z"] = 1,
            ["a"] = new JsonObject { ["list"] = new JsonArray(1.5, "x", null, true), ["empty"] = new JsonObject(), ["none"] = new JsonArray() },
            ["text"] = "line one\nline two\n",
            ["long"] = longText,
        };
        Assert.Equal(
            "z: 1\na:\n  list:\n  - 1.5\n  - x\n  - null\n  - true\n  empty: {}\n  none: []\ntext: |\n  line one\n  line two\nlong: " + longText + "\n",
            YamlJson.Serialize(o));
        Assert.Equal("a: 1\n---\nb: 2\n", YamlJson.SerializeAll([new JsonObject { ["a"] = 1 }, new JsonObject { ["b"] = 2 }]));
    }
}
