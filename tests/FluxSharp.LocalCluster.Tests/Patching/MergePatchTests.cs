using FluxSharp.LocalCluster.Patching;
using static FluxSharp.LocalCluster.Tests.Patching.JsonAssert;

namespace FluxSharp.LocalCluster.Tests.Patching;

public class MergePatchTests
{
    /// <summary>The examples of RFC 7386 appendix A.</summary>
    [Theory]
    [InlineData("""{"a":"b"}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"b":"c"}""", """{"a":"b","b":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"a":null}""", """{}""")]
    [InlineData("""{"a":"b","b":"c"}""", """{"a":null}""", """{"b":"c"}""")]
    [InlineData("""{"a":["b"]}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"c"}""", """{"a":["b"]}""", """{"a":["b"]}""")]
    [InlineData("""{"a":{"b":"c"}}""", """{"a":{"b":"d","c":null}}""", """{"a":{"b":"d"}}""")]
    [InlineData("""{"a":[{"b":"c"}]}""", """{"a":[1]}""", """{"a":[1]}""")]
    [InlineData("""["a","b"]""", """["c","d"]""", """["c","d"]""")]
    [InlineData("""{"a":"b"}""", """["c"]""", """["c"]""")]
    [InlineData("""{"a":"foo"}""", "\"bar\"", "\"bar\"")]
    [InlineData("""{"e":null}""", """{"a":1}""", """{"e":null,"a":1}""")]
    [InlineData("""[1,2]""", """{"a":"b","c":null}""", """{"a":"b"}""")]
    [InlineData("""{}""", """{"a":{"bb":{"ccc":null}}}""", """{"a":{"bb":{}}}""")]
    public void FollowsTheRfc7386Examples(string target, string patch, string expected)
    {
        Equal(expected, MergePatch.Apply(Parse(target), Parse(patch)));
    }

    [Fact]
    public void NullTargetIsTreatedAsAnEmptyObject()
    {
        Equal("""{"a":{"b":1}}""", MergePatch.Apply(null, Parse("""{"a":{"b":1,"c":null}}""")));
    }

    [Fact]
    public void ListsAreReplacedWholeNotMerged()
    {
        var result = MergePatch.Apply(
            Parse("""{"spec":{"containers":[{"name":"a","image":"x"},{"name":"b"}]}}"""),
            Parse("""{"spec":{"containers":[{"name":"a","image":"y"}]}}"""));

        Equal("""{"spec":{"containers":[{"name":"a","image":"y"}]}}""", result);
    }

    [Fact]
    public void InputsAreNotModified()
    {
        var target = Parse("""{"metadata":{"labels":{"a":"1","b":"2"}}}""");
        var patch = Parse("""{"metadata":{"labels":{"a":null,"c":"3"}}}""");

        var result = MergePatch.Apply(target, patch)!;
        result["metadata"]!["labels"]!["c"] = "mutated";

        Equal("""{"metadata":{"labels":{"a":"1","b":"2"}}}""", target);
        Equal("""{"metadata":{"labels":{"a":null,"c":"3"}}}""", patch);
    }
}
