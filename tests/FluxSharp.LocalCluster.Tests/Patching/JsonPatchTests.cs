using System.Net;
using FluxSharp.LocalCluster.Patching;
using static FluxSharp.LocalCluster.Tests.Patching.JsonAssert;

namespace FluxSharp.LocalCluster.Tests.Patching;

public class JsonPatchTests
{
    private const string Pod = """
        {"metadata":{"name":"p","labels":{"app":"web"}},"spec":{"containers":[{"name":"a"},{"name":"b"}]}}
        """;

    [Fact]
    public void AddReplaceAndRemoveWorkOnObjectMembers()
    {
        var result = JsonPatch.Apply(Parse(Pod), Parse("""
            [
              {"op":"add","path":"/metadata/labels/tier","value":"front"},
              {"op":"replace","path":"/metadata/labels/app","value":"api"},
              {"op":"remove","path":"/metadata/name"}
            ]
            """));

        Equal("""{"metadata":{"labels":{"app":"api","tier":"front"}},"spec":{"containers":[{"name":"a"},{"name":"b"}]}}""", result);
    }

    [Fact]
    public void PointerEscapesDecodeTildeOneAsSlashAndTildeZeroAsTilde()
    {
        var result = JsonPatch.Apply(Parse("""{"metadata":{"annotations":{}}}"""), Parse("""
            [
              {"op":"add","path":"/metadata/annotations/example.com~1owner","value":"x"},
              {"op":"add","path":"/metadata/annotations/a~0b","value":"y"},
              {"op":"add","path":"/metadata/annotations/c~01","value":"z"}
            ]
            """));

        Equal("""{"metadata":{"annotations":{"example.com/owner":"x","a~b":"y","c~1":"z"}}}""", result);
    }

    [Fact]
    public void DashAppendsAndAnIndexInsertsBeforeTheElementThere()
    {
        var result = JsonPatch.Apply(Parse(Pod), Parse("""
            [
              {"op":"add","path":"/spec/containers/-","value":{"name":"c"}},
              {"op":"add","path":"/spec/containers/0","value":{"name":"first"}}
            ]
            """));

        Equal("""{"metadata":{"name":"p","labels":{"app":"web"}},"spec":{"containers":[{"name":"first"},{"name":"a"},{"name":"b"},{"name":"c"}]}}""", result);
    }

    [Fact]
    public void NegativeIndicesCountFromTheEndAsInEvanphxJsonPatch()
    {
        var result = JsonPatch.Apply(Parse("""{"l":[1,2,3]}"""), Parse("""
            [{"op":"remove","path":"/l/-1"},{"op":"replace","path":"/l/-2","value":9}]
            """));

        Equal("""{"l":[9,2]}""", result);
    }

    [Fact]
    public void MoveDetachesTheValueAndCopyDuplicatesIt()
    {
        var result = JsonPatch.Apply(Parse("""{"a":{"x":[1]},"b":{}}"""), Parse("""
            [
              {"op":"copy","from":"/a/x","path":"/b/y"},
              {"op":"move","from":"/a","path":"/c"},
              {"op":"add","path":"/b/y/-","value":2}
            ]
            """));

        Equal("""{"b":{"y":[1,2]},"c":{"x":[1]}}""", result);
    }

    [Fact]
    public void ReplaceAtTheRootSwapsTheWholeDocument()
    {
        var result = JsonPatch.Apply(Parse("""{"a":1}"""), Parse("""[{"op":"replace","path":"","value":{"b":2}}]"""));

        Equal("""{"b":2}""", result);
    }

    [Fact]
    public void PassingTestLeavesTheDocumentAlone()
    {
        var result = JsonPatch.Apply(Parse(Pod), Parse("""
            [
              {"op":"test","path":"/metadata/labels","value":{"app":"web"}},
              {"op":"test","path":"/spec/containers/1/name","value":"b"},
              {"op":"test","path":"/metadata/missing","value":null}
            ]
            """));

        Equal(Pod, result);
    }

    [Fact]
    public void FailingTestIsUnprocessableWithTheGenericMessage()
    {
        var error = Assert.Throws<ApiException>(() =>
            JsonPatch.Apply(Parse(Pod), Parse("""[{"op":"test","path":"/metadata/name","value":"q"}]""")));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Code);
        Assert.Equal("Invalid", error.Reason);
        Assert.Equal("the server rejected our request due to an error in our request", error.Message);
        Assert.Equal("testing value /metadata/name failed: test failed", PatchErrors.Detail(error));
    }

    [Theory]
    [InlineData("""[{"op":"add","path":"/metadata/annotations/a","value":"x"}]""", "add operation does not apply: doc is missing path: \"/metadata/annotations/a\": missing value")]
    [InlineData("""[{"op":"remove","path":"/metadata/nope"}]""", "error in remove for path: '/metadata/nope': unable to remove nonexistent key: nope: missing value")]
    [InlineData("""[{"op":"replace","path":"/metadata/nope","value":1}]""", "replace operation does not apply: doc is missing key: /metadata/nope: missing value")]
    [InlineData("""[{"op":"add","path":"/spec/containers/5","value":{}}]""", "error in add for path: '/spec/containers/5': Unable to access invalid index: 5: invalid index referenced")]
    [InlineData("""[{"op":"move","from":"/nope","path":"/x"}]""", "error in move for path: 'nope': unable to get nonexistent key: nope: missing value")]
    [InlineData("""[{"op":"frobnicate","path":"/x"}]""", "Unexpected kind: frobnicate")]
    [InlineData("""[{"path":"/x"}]""", "Unexpected kind: unknown")]
    [InlineData("""[{"op":"add","value":1}]""", "add operation failed to decode path: missing value")]
    [InlineData("""[{"op":"add","path":"","value":1}]""", "add operation does not apply: doc is missing path: \"\": missing value")]
    public void OperationsThatDoNotApplyAreUnprocessable(string patch, string detail)
    {
        var error = Assert.Throws<ApiException>(() => JsonPatch.Apply(Parse(Pod), Parse(patch)));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Code);
        Assert.Equal(detail, PatchErrors.Detail(error));
    }

    [Theory]
    [InlineData("""{"op":"add","path":"/a","value":1}""", "json: cannot unmarshal object into Go value of type jsonpatch.Patch")]
    [InlineData("""["add"]""", "json: cannot unmarshal string into Go value of type jsonpatch.Operation")]
    public void MalformedPatchDocumentIsBadRequest(string patch, string message)
    {
        var error = Assert.Throws<ApiException>(() => JsonPatch.Apply(Parse(Pod), Parse(patch)));

        Assert.Equal(HttpStatusCode.BadRequest, error.Code);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void MoreThanTenThousandOperationsIsTooLarge()
    {
        var operations = string.Join(",", Enumerable.Repeat("""{"op":"test","path":"/a","value":1}""", JsonPatch.MaxOperations + 1));

        var error = Assert.Throws<ApiException>(() => JsonPatch.Apply(Parse("""{"a":1}"""), Parse($"[{operations}]")));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, error.Code);
    }

    [Fact]
    public void InputsAreNotModified()
    {
        var target = Parse(Pod);
        var patch = Parse("""[{"op":"add","path":"/spec/containers/-","value":{"name":"c"}},{"op":"remove","path":"/metadata/labels"}]""");
        var patchText = patch.ToJsonString();

        var result = JsonPatch.Apply(target, patch);
        ((System.Text.Json.Nodes.JsonObject)result["spec"]!["containers"]![2]!)["image"] = "mutated";

        Equal(Pod, target);
        Assert.Equal(patchText, patch.ToJsonString());
    }
}
