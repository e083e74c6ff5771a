using System.Net;
using FluxSharp.LocalCluster.Patching;
using FluxSharp.LocalCluster.Schema;
using static FluxSharp.LocalCluster.Tests.Patching.JsonAssert;

namespace FluxSharp.LocalCluster.Tests.Patching;

public class StrategicMergePatchTests
{
    private const string Deployment = """
        {
          "metadata": {"name": "web", "labels": {"app": "web", "tier": "front"}, "finalizers": ["a", "b"]},
          "spec": {
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
            "template": {"spec": {
              "containers": [
                {"name": "app", "image": "app:1", "args": ["--x", "--y"],
                 "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
                 "ports": [{"containerPort": 80, "name": "http"}, {"containerPort": 9090, "name": "metrics"}]},
                {"name": "sidecar", "image": "proxy:1"}
              ]
            }}
          }
        }
        """;

    private static readonly TypeSchema Schema = BuildDeploymentSchema();

    [Fact]
    public void ContainersMergeByNameAndKeepWhatThePatchDoesNotMention()
    {
        var result = Apply("""{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"proxy:2"}]}}}}""");

        Equal("""[{"name":"app","image":"app:1","args":["--x","--y"],"env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],"ports":[{"containerPort":80,"name":"http"},{"containerPort":9090,"name":"metrics"}]},{"name":"sidecar","image":"proxy:2"}]""", Containers(result));
    }

    [Fact]
    public void EnvMergesByNameInsideTheMatchedContainer()
    {
        var result = Apply("""{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"B","value":"3"}]}]}}}}""");

        Equal("""[{"name":"A","value":"1"},{"name":"B","value":"3"}]""", Containers(result)[0]!["env"]);
    }

    [Fact]
    public void PortsMergeByNumericContainerPort()
    {
        var result = Apply("""{"spec":{"template":{"spec":{"containers":[{"name":"app","ports":[{"containerPort":9090,"name":"prom"}]}]}}}}""");

        Equal("""[{"containerPort":80,"name":"http"},{"containerPort":9090,"name":"prom"}]""", Containers(result)[0]!["ports"]);
    }

    [Fact]
    public void NewContainerWithoutSetElementOrderGoesInFrontLikeApimachinery()
    {
        var result = Apply("""{"spec":{"template":{"spec":{"containers":[{"name":"init","image":"busybox"}]}}}}""");

        Assert.Equal(["init", "app", "sidecar"], Names(Containers(result)));
    }

    [Fact]
    public void SetElementOrderPlacesANewContainerWhereItSays()
    {
        var result = Apply("""
            {"spec":{"template":{"spec":{
              "$setElementOrder/containers":[{"name":"app"},{"name":"sidecar"},{"name":"log"}],
              "containers":[{"name":"log","image":"fluentbit"}]
            }}}}
            """);

        Assert.Equal(["app", "sidecar", "log"], Names(Containers(result)));
        Assert.Null(result["spec"]!["template"]!["spec"]!["$setElementOrder/containers"]);
    }

    [Fact]
    public void SetElementOrderAloneReordersTheExistingList()
    {
        var result = Apply("""{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"app"}]}}}}""");

        Assert.Equal(["sidecar", "app"], Names(Containers(result)));
        Equal("""{"containers":[{"name":"sidecar","image":"proxy:1"},{"name":"app","image":"app:1","args":["--x","--y"],"env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],"ports":[{"containerPort":80,"name":"http"},{"containerPort":9090,"name":"metrics"}]}]}""", result["spec"]!["template"]!["spec"]);
    }

    [Fact]
    public void SetElementOrderThatDisagreesWithThePatchListIsRejected()
    {
        var error = Assert.Throws<ApiException>(() => Apply("""
            {"spec":{"template":{"spec":{
              "$setElementOrder/containers":[{"name":"app"},{"name":"sidecar"}],
              "containers":[{"name":"sidecar","image":"x"},{"name":"app","image":"y"}]
            }}}}
            """));

        Assert.Equal(HttpStatusCode.InternalServerError, error.Code);
        Assert.Contains("doesn't match $setElementOrder list", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PatchDeleteElementRemovesTheContainer()
    {
        var result = Apply("""{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","$patch":"delete"}]}}}}""");

        Assert.Equal(["app"], Names(Containers(result)));
    }

    [Fact]
    public void PatchReplaceElementReplacesTheWholeList()
    {
        var result = Apply("""{"spec":{"template":{"spec":{"containers":[{"$patch":"replace"},{"name":"only","image":"x:1"}]}}}}""");

        Equal("""[{"name":"only","image":"x:1"}]""", Containers(result));
    }

    [Fact]
    public void PatchReplaceInAMapReplacesTheMap()
    {
        var result = Apply("""{"metadata":{"labels":{"$patch":"replace","owner":"me"}}}""");

        Equal("""{"owner":"me"}""", result["metadata"]!["labels"]);
    }

    [Fact]
    public void PatchDeleteInAMapLeavesAnEmptyMap()
    {
        var result = Apply("""{"metadata":{"labels":{"$patch":"delete"}}}""");

        Equal("{}", result["metadata"]!["labels"]);
    }

    [Fact]
    public void NullDeletesAMapMember()
    {
        var result = Apply("""{"metadata":{"labels":{"tier":null,"env":"prod"}}}""");

        Equal("""{"app":"web","env":"prod"}""", result["metadata"]!["labels"]);
    }

    [Fact]
    public void PrimitiveListWithoutStrategyIsReplaced()
    {
        var result = Apply("""{"spec":{"template":{"spec":{"containers":[{"name":"app","args":["--z"]}]}}}}""");

        Equal("""["--z"]""", Containers(result)[0]!["args"]);
    }

    [Fact]
    public void PrimitiveListWithMergeStrategyIsUnioned()
    {
        var result = Apply("""{"metadata":{"finalizers":["b","c"]}}""");

        Equal("""["a","b","c"]""", result["metadata"]!["finalizers"]);
    }

    [Fact]
    public void DeleteFromPrimitiveListDropsTheListedValues()
    {
        var result = Apply("""{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}}""");

        Equal("""{"name":"web","labels":{"app":"web","tier":"front"},"finalizers":["b"]}""", result["metadata"]);
    }

    [Fact]
    public void DeleteFromPrimitiveListOnAnAbsentFieldDoesNotCreateIt()
    {
        var result = Apply("""{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","$deleteFromPrimitiveList/args":["--x"]}]}}}}""");

        Equal("""{"name":"sidecar","image":"proxy:1"}""", Containers(result)[1]);
    }

    [Fact]
    public void KubectlStylePrimitiveListPatchAddsDeletesAndOrders()
    {
        var result = Apply("""
            {"metadata":{"$setElementOrder/finalizers":["c","b"],"$deleteFromPrimitiveList/finalizers":["a"],"finalizers":["c"]}}
            """);

        Equal("""["c","b"]""", result["metadata"]!["finalizers"]);
        Assert.DoesNotContain("$", result["metadata"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void MergeDirectiveIsAcceptedAsPlainMerging()
    {
        var result = Apply("""
            {"metadata":{"labels":{"$patch":"merge","env":"prod"}},
             "spec":{"template":{"spec":{"containers":[{"name":"sidecar","$patch":"merge","image":"proxy:3"}]}}}}
            """);

        Equal("""{"app":"web","tier":"front","env":"prod"}""", result["metadata"]!["labels"]);
        Equal("""{"name":"sidecar","image":"proxy:3"}""", Containers(result)[1]);
    }

    [Fact]
    public void RetainKeysClearsFieldsItDoesNotList()
    {
        var result = Apply("""{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}""");

        Equal("""{"type":"Recreate"}""", result["spec"]!["strategy"]);
    }

    [Fact]
    public void RetainKeysRejectsAPatchThatSetsAnUnlistedField()
    {
        var error = Assert.Throws<ApiException>(() => Apply("""{"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":{"maxSurge":2}}}}"""));

        Assert.Equal(HttpStatusCode.BadRequest, error.Code);
        Assert.Equal("invalid patch format of retainKeys", error.Message);
    }

    [Fact]
    public void ElementWithoutItsMergeKeyIsAnError()
    {
        var error = Assert.Throws<ApiException>(() => Apply("""{"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}"""));

        Assert.Equal(HttpStatusCode.InternalServerError, error.Code);
        Assert.Contains("does not contain declared merge key: name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownPatchDirectiveIsAnError()
    {
        var error = Assert.Throws<ApiException>(() => Apply("""{"metadata":{"labels":{"$patch":"explode"}}}"""));

        Assert.Contains("unknown patch type: explode", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NonObjectPatchIsBadRequest()
    {
        var error = Assert.Throws<ApiException>(() => StrategicMergePatch.Apply(Parse(Deployment), Parse("[1]"), Schema));

        Assert.Equal(HttpStatusCode.BadRequest, error.Code);
    }

    [Fact]
    public void ListOfListsIsUnprocessable()
    {
        var schema = Struct(("m", new TypeSchema { Type = SchemaType.Array, PatchStrategy = "merge", Items = TypeSchema.Any() }));

        var error = Assert.Throws<ApiException>(() => StrategicMergePatch.Apply(Parse("""{"m":[[1]]}"""), Parse("""{"m":[[2]]}"""), schema));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Code);
        Assert.Equal("lists of lists are not supported", PatchErrors.Detail(error));
    }

    [Fact]
    public void DirectivesAndNullsNeverReachTheResultOfNewValues()
    {
        var result = Apply("""
            {"spec":{"template":{"spec":{"containers":[
              {"name":"new","image":"n:1","resources":null,
               "$setElementOrder/env":[{"name":"X"}],"$retainKeys":["name"],
               "env":[{"name":"X","value":"1"},{"name":"Y","$patch":"delete"}],
               "securityContext":{"$patch":"delete"}}
            ],"$setElementOrder/volumes":[{"name":"v"}],"volumes":[{"name":"v","emptyDir":{"medium":null}}]}}}}
            """);

        var spec = result["spec"]!["template"]!["spec"]!;
        Equal("""{"name":"new","image":"n:1","env":[{"name":"X","value":"1"}]}""", Containers(result)[0]);
        Equal("""[{"name":"v","emptyDir":{}}]""", spec["volumes"]);
        Assert.DoesNotContain("$", spec.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutSchemaMapsMergeAndListsAreReplaced()
    {
        var result = StrategicMergePatch.Apply(
            Parse("""{"a":{"x":1,"y":2},"l":[{"name":"a"},{"name":"b"}]}"""),
            Parse("""{"a":{"y":null,"z":3},"l":[{"name":"c"}]}"""),
            null);

        Equal("""{"a":{"x":1,"z":3},"l":[{"name":"c"}]}""", result);
    }

    [Fact]
    public void UnknownSchemaReplacesListsToo()
    {
        var result = StrategicMergePatch.Apply(Parse("""{"l":[1,2]}"""), Parse("""{"l":[3]}"""), TypeSchema.Any());

        Equal("""{"l":[3]}""", result);
    }

    [Fact]
    public void InputsAreNotModified()
    {
        var target = Parse(Deployment);
        var patch = Parse("""{"metadata":{"labels":{"tier":null}},"spec":{"template":{"spec":{"containers":[{"name":"app","image":"app:2"},{"name":"sidecar","$patch":"delete"}]}}}}""");
        var patchText = patch.ToJsonString();

        _ = StrategicMergePatch.Apply(target, patch, Schema);

        Equal(Deployment, target);
        Assert.Equal(patchText, patch.ToJsonString());
    }

    // The next cases are apimachinery's own (customStrategicMergePatchTestCaseData), on its MergeItem shape.

    [Fact]
    public void PatchOrderWinsForMergedElementsAndServerOnlyOnesKeepTheirPlace()
    {
        var result = StrategicMergePatch.Apply(
            Parse("""{"mergingList":[{"name":"1"},{"name":"2","value":"b"},{"name":"3"}]}"""),
            Parse("""{"mergingList":[{"name":"3","value":"c"},{"name":"1","value":"a"}]}"""),
            MergeItemSchema());

        Equal("""{"mergingList":[{"name":"2","value":"b"},{"name":"3","value":"c"},{"name":"1","value":"a"}]}""", result);
    }

    [Fact]
    public void PatchOrderWinsInMergingPrimitiveLists()
    {
        var result = StrategicMergePatch.Apply(Parse("""{"mergingIntList":[1,2,3]}"""), Parse("""{"mergingIntList":[3,1]}"""), MergeItemSchema());

        Equal("""{"mergingIntList":[2,3,1]}""", result);
    }

    [Fact]
    public void SetElementOrderMayNameElementsThatDoNotExist()
    {
        var result = StrategicMergePatch.Apply(
            Parse("""{"mergingList":[{"name":"1"},{"name":"3"}]}"""),
            Parse("""{"$setElementOrder/mergingList":[{"name":"3"},{"name":"2"},{"name":"1"}],"mergingList":[{"name":"3","value":"3"},{"name":"1","value":"1"}]}"""),
            MergeItemSchema());

        Equal("""{"mergingList":[{"name":"3","value":"3"},{"name":"1","value":"1"}]}""", result);
    }

    [Fact]
    public void DeleteDirectiveRemovesEveryDuplicate()
    {
        var result = StrategicMergePatch.Apply(
            Parse("""{"mergingList":[{"name":"1"},{"name":"1"},{"name":"2","value":"a"},{"name":"3"},{"name":"3"}]}"""),
            Parse("""{"mergingList":[{"name":"1","$patch":"delete"},{"name":"3","$patch":"delete"}]}"""),
            MergeItemSchema());

        Equal("""{"mergingList":[{"name":"2","value":"a"}]}""", result);
    }

    private static System.Text.Json.Nodes.JsonNode Apply(string patch) =>
        StrategicMergePatch.Apply(Parse(Deployment), Parse(patch), Schema);

    private static System.Text.Json.Nodes.JsonArray Containers(System.Text.Json.Nodes.JsonNode deployment) =>
        deployment["spec"]!["template"]!["spec"]!["containers"]!.AsArray();

    private static string[] Names(System.Text.Json.Nodes.JsonArray items) =>
        [.. items.Select(item => item!["name"]!.GetValue<string>())];

    private static TypeSchema Scalar(SchemaType type) => new() { Type = type };

    private static TypeSchema Struct(params (string Name, TypeSchema Schema)[] fields) =>
        new() { Type = SchemaType.Object, Properties = fields.ToDictionary(f => f.Name, f => f.Schema) };

    private static TypeSchema MergeList(string? key, TypeSchema items, string strategy = "merge") =>
        new() { Type = SchemaType.Array, Items = items, PatchMergeKey = key, PatchStrategy = strategy };

    private static TypeSchema AtomicList(TypeSchema items) => new() { Type = SchemaType.Array, Items = items };

    /// <summary>The slice of apps/v1 Deployment the tests touch, with the real patch strategies.</summary>
    private static TypeSchema BuildDeploymentSchema()
    {
        var str = Scalar(SchemaType.String);
        var env = Struct(("name", str), ("value", str));
        var port = Struct(("containerPort", Scalar(SchemaType.Integer)), ("name", str));
        var container = Struct(
            ("name", str),
            ("image", str),
            ("args", AtomicList(str)),
            ("env", MergeList("name", env)),
            ("ports", MergeList("containerPort", port)),
            ("resources", Struct()),
            ("securityContext", Struct()));
        var volume = Struct(("name", str), ("emptyDir", Struct(("medium", str))));
        var podSpec = Struct(
            ("containers", MergeList("name", container)),
            ("volumes", MergeList("name", volume, "merge,retainKeys")));
        var strategy = Struct(("type", str), ("rollingUpdate", Struct(("maxSurge", Scalar(SchemaType.IntOrString)), ("maxUnavailable", Scalar(SchemaType.IntOrString)))));
        strategy.PatchStrategy = "retainKeys";
        var metadata = Struct(
            ("name", str),
            ("labels", new TypeSchema { Type = SchemaType.Object, AdditionalProperties = str }),
            ("finalizers", MergeList(null, str)));
        return Struct(
            ("metadata", metadata),
            ("spec", Struct(("strategy", strategy), ("template", Struct(("spec", podSpec))))));
    }

    /// <summary>apimachinery's test type MergeItem, reduced to the fields used here.</summary>
    private static TypeSchema MergeItemSchema()
    {
        var item = Struct(("name", Scalar(SchemaType.String)), ("value", Scalar(SchemaType.String)));
        return Struct(("mergingList", MergeList("name", item)), ("mergingIntList", MergeList(null, Scalar(SchemaType.Integer))));
    }
}
