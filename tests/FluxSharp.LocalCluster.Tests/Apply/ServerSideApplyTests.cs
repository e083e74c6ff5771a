using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Apply;

namespace FluxSharp.LocalCluster.Tests.Apply;

public class ServerSideApplyTests
{
    private static readonly DateTimeOffset T0 = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static JsonObject Deploy(string image = "nginx:1", int? replicas = 2, string extraContainer = "", string env = "", string args = "")
    {
        var replicasField = replicas is null ? "" : $"\"replicas\": {replicas},";
        return (JsonObject)JsonNode.Parse($$"""
        {
          "apiVersion": "apps/v1", "kind": "Deployment",
          "metadata": { "name": "web", "namespace": "default", "labels": { "app": "web" } },
          "spec": {
            {{replicasField}}
            "selector": { "matchLabels": { "app": "web" } },
            "template": {
              "metadata": { "labels": { "app": "web" } },
              "spec": { "containers": [ { "name": "app", "image": "{{image}}" {{env}} {{args}} } {{extraContainer}} ] }
            }
          }
        }
        """)!;
    }

    private static ApplyRequest Req(string manager, bool force = false, int seconds = 0) =>
        new(manager, force, "apps/v1", ApplySchemas.Deployment, T0.AddSeconds(seconds));

    private static UpdateRequest Upd(string manager, int seconds = 0) =>
        new(manager, "apps/v1", ApplySchemas.Deployment, T0.AddSeconds(seconds));

    private static JsonArray Managed(JsonObject obj) => obj["metadata"]!["managedFields"]!.AsArray();

    private static JsonObject? Entry(JsonObject obj, string manager) =>
        Managed(obj).OfType<JsonObject>().FirstOrDefault(e => (string?)e["manager"] == manager);

    private static JsonNode? Spec(JsonObject obj, string field) => obj["spec"]![field];

    private static JsonArray Containers(JsonObject obj) => obj["spec"]!["template"]!["spec"]!["containers"]!.AsArray();

    [Fact]
    public void CreateViaApplyRecordsTheApiserverFieldsV1()
    {
        var created = ServerSideApply.Apply(null, Deploy(), Req("kubectl"));

        Assert.Equal(2, (int)Spec(created, "replicas")!);
        var entry = Assert.Single(Managed(created))!.AsObject();
        Assert.Equal("kubectl", (string?)entry["manager"]);
        Assert.Equal("Apply", (string?)entry["operation"]);
        Assert.Equal("apps/v1", (string?)entry["apiVersion"]);
        Assert.Equal("2024-01-02T03:04:05Z", (string?)entry["time"]);
        Assert.Equal("FieldsV1", (string?)entry["fieldsType"]);
        Assert.False(entry.ContainsKey("subresource"));
        Assert.Equal(
            """{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{".":{},"f:image":{},"f:name":{}}}}}}}""",
            entry["fieldsV1"]!.ToJsonString(TestJson.Relaxed));
        Assert.Equal(["manager", "operation", "apiVersion", "time", "fieldsType", "fieldsV1"], entry.Select(p => p.Key));
    }

    [Fact]
    public void ReapplyingTheSameConfigChangesNothing()
    {
        var live = ServerSideApply.Apply(null, Deploy(), Req("kubectl"));
        var again = ServerSideApply.Apply(live, Deploy(), Req("kubectl", seconds: 60));

        Assert.True(JsonNode.DeepEquals(live, again), again.ToJsonString(TestJson.Relaxed));
    }

    [Fact]
    public void DroppingAFieldRemovesIt()
    {
        var live = ServerSideApply.Apply(null, Deploy(), Req("flux"));
        var updated = ServerSideApply.Apply(live, Deploy(replicas: null), Req("flux", seconds: 1));

        Assert.False(updated["spec"]!.AsObject().ContainsKey("replicas"));
        Assert.DoesNotContain("f:replicas", Entry(updated, "flux")!["fieldsV1"]!.ToJsonString(TestJson.Relaxed), StringComparison.Ordinal);
        Assert.Equal("2024-01-02T03:04:06Z", (string?)Entry(updated, "flux")!["time"]);
    }

    [Fact]
    public void DroppingAllMetadataFieldsKeepsIdentity()
    {
        var live = ServerSideApply.Apply(null, Deploy(), Req("flux"));
        live["metadata"]!["uid"] = "u1";
        var config = Deploy();
        config["metadata"]!.AsObject().Remove("labels");
        var updated = ServerSideApply.Apply(live, config, Req("flux"));

        Assert.Equal("web", (string?)updated["metadata"]!["name"]);
        Assert.Equal("u1", (string?)updated["metadata"]!["uid"]);
        Assert.False(updated["metadata"]!.AsObject().ContainsKey("labels"));
        Assert.StartsWith("{\"f:spec\"", Entry(updated, "flux")!["fieldsV1"]!.ToJsonString(TestJson.Relaxed), StringComparison.Ordinal);
    }

    [Fact]
    public void DroppingAFieldAnotherApplierOwnsKeepsIt()
    {
        var live = ServerSideApply.Apply(null, Deploy(), Req("flux"));
        live = ServerSideApply.Apply(live, Deploy(), Req("other"));
        var updated = ServerSideApply.Apply(live, Deploy(replicas: null), Req("flux"));

        Assert.Equal(2, (int)Spec(updated, "replicas")!);
        Assert.Contains("f:replicas", Entry(updated, "other")!["fieldsV1"]!.ToJsonString(TestJson.Relaxed), StringComparison.Ordinal);
        Assert.DoesNotContain("f:replicas", Entry(updated, "flux")!["fieldsV1"]!.ToJsonString(TestJson.Relaxed), StringComparison.Ordinal);
    }

    [Fact]
    public void ConflictWithAnUpdateManagerIs409WithTheFieldPath()
    {
        var live = ServerSideApply.Apply(null, Deploy(), Req("flux"));
        var scaled = (JsonObject)live.DeepClone();
        scaled["spec"]!["replicas"] = 5;
        ManagedFieldsTracker.TrackUpdate(live, scaled, Upd("kubectl-client-side-apply", 10));

        var ex = Assert.Throws<ApiException>(() => ServerSideApply.Apply(scaled, Deploy(), Req("flux", seconds: 20)));

        Assert.Equal(HttpStatusCode.Conflict, ex.Code);
        Assert.Equal("Conflict", ex.Reason);
        Assert.Equal("Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: .spec.replicas", ex.Message);
        var cause = Assert.Single(ex.Causes);
        Assert.Equal(new StatusCause("FieldManagerConflict", "conflict with \"kubectl-client-side-apply\" using apps/v1", ".spec.replicas"), cause);
    }

    [Fact]
    public void ForceTakesOwnership()
    {
        var live = ServerSideApply.Apply(null, Deploy(), Req("flux"));
        var scaled = (JsonObject)live.DeepClone();
        scaled["spec"]!["replicas"] = 5;
        ManagedFieldsTracker.TrackUpdate(live, scaled, Upd("hpa", 10));
        Assert.NotNull(Entry(scaled, "hpa"));

        var forced = ServerSideApply.Apply(scaled, Deploy(), Req("flux", force: true, seconds: 20));

        Assert.Equal(2, (int)Spec(forced, "replicas")!);
        Assert.Null(Entry(forced, "hpa"));
        Assert.Contains("f:replicas", Entry(forced, "flux")!["fieldsV1"]!.ToJsonString(TestJson.Relaxed), StringComparison.Ordinal);
    }

    [Fact]
    public void TwoAppliersShareAFieldWithTheSameValue()
    {
        var live = ServerSideApply.Apply(null, Deploy(), Req("a"));
        var shared = ServerSideApply.Apply(live, Deploy(), Req("b", seconds: 1));

        Assert.Equal(2, Managed(shared).Count);
        Assert.Equal(Entry(shared, "a")!["fieldsV1"]!.ToJsonString(TestJson.Relaxed), Entry(shared, "b")!["fieldsV1"]!.ToJsonString(TestJson.Relaxed));
        Assert.Equal(["a", "b"], Managed(shared).Select(e => (string?)e!["manager"]));
    }

    [Fact]
    public void TwoAppliersWithDifferentValuesConflict()
    {
        var live = ServerSideApply.Apply(null, Deploy(), Req("a"));
        var ex = Assert.Throws<ApiException>(() => ServerSideApply.Apply(live, Deploy(image: "nginx:2", replicas: 3), Req("b")));

        Assert.Equal("Apply failed with 2 conflicts: conflicts with \"a\":\n- .spec.replicas\n- .spec.template.spec.containers[name=\"app\"].image", ex.Message);
        Assert.Equal(2, ex.Causes.Count);
        Assert.Equal(".spec.template.spec.containers[name=\"app\"].image", ex.Causes[1].Field);
    }

    [Fact]
    public void ListItemsAreRemovedByKey()
    {
        var sidecar = """, { "name": "sidecar", "image": "busybox" }""";
        var env = """, "env": [ { "name": "A", "value": "1" }, { "name": "B", "value": "2" } ]""";
        var live = ServerSideApply.Apply(null, Deploy(extraContainer: sidecar, env: env), Req("flux"));
        Assert.Equal(2, Containers(live).Count);

        var updated = ServerSideApply.Apply(live, Deploy(env: """, "env": [ { "name": "B", "value": "2" } ]"""), Req("flux"));

        var container = Assert.Single(Containers(updated))!.AsObject();
        Assert.Equal("app", (string?)container["name"]);
        Assert.Equal("B", (string?)Assert.Single(container["env"]!.AsArray())!["name"]);
        var fields = Entry(updated, "flux")!["fieldsV1"]!.ToJsonString(TestJson.Relaxed);
        Assert.DoesNotContain("sidecar", fields, StringComparison.Ordinal);
        Assert.Contains("""k:{\"name\":\"B\"}""", fields, StringComparison.Ordinal);
    }

    [Fact]
    public void AtomicListIsReplacedWhole()
    {
        var live = ServerSideApply.Apply(null, Deploy(args: """, "args": ["a", "b"]"""), Req("flux"));
        var updated = ServerSideApply.Apply(live, Deploy(args: """, "args": ["c"]"""), Req("flux"));

        Assert.Equal("""["c"]""", Containers(updated)[0]!["args"]!.ToJsonString(TestJson.Relaxed));
        Assert.Contains("\"f:args\":{}", Entry(updated, "flux")!["fieldsV1"]!.ToJsonString(TestJson.Relaxed), StringComparison.Ordinal);
    }

    [Fact]
    public void MergedListKeepsUnappliedItemsInPlace()
    {
        var other = """, { "name": "b", "image": "b" }""";
        var live = ServerSideApply.Apply(null, Deploy(extraContainer: other), Req("first"));
        var config = Deploy(image: "nginx:1");
        Containers(config).Clear();
        Containers(config).Add(new JsonObject { ["name"] = "b", ["image"] = "b" });
        Containers(config).Add(new JsonObject { ["name"] = "c", ["image"] = "c" });

        var merged = ServerSideApply.Apply(live, config, Req("second"));

        Assert.Equal(["app", "b", "c"], Containers(merged).Select(c => (string?)c!["name"]));
    }

    [Fact]
    public void TrackUpdateAttributesChangedFieldsAndTakesThemFromOthers()
    {
        var live = ServerSideApply.Apply(null, Deploy(), Req("flux"));
        var edited = (JsonObject)live.DeepClone();
        Containers(edited)[0]!["image"] = "nginx:2";
        edited["metadata"]!["labels"]!["team"] = "x";

        ManagedFieldsTracker.TrackUpdate(live, edited, Upd("kubectl-edit", 30));

        var entry = Entry(edited, "kubectl-edit")!;
        Assert.Equal("Update", (string?)entry["operation"]);
        Assert.Equal("2024-01-02T03:04:35Z", (string?)entry["time"]);
        Assert.Equal(
            """{"f:metadata":{"f:labels":{"f:team":{}}},"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{"f:image":{}}}}}}}""",
            entry["fieldsV1"]!.ToJsonString(TestJson.Relaxed));
        Assert.DoesNotContain("f:image", Entry(edited, "flux")!["fieldsV1"]!.ToJsonString(TestJson.Relaxed), StringComparison.Ordinal);
        Assert.Equal(["flux", "kubectl-edit"], Managed(edited).Select(e => (string?)e!["manager"]));

        var ex = Assert.Throws<ApiException>(() => ServerSideApply.Apply(edited, Deploy(), Req("flux")));
        Assert.Equal(".spec.template.spec.containers[name=\"app\"].image", Assert.Single(ex.Causes).Field);
    }

    [Fact]
    public void TrackUpdateOnCreateOwnsEverythingAndResetClearsOwnership()
    {
        var created = Deploy();
        ManagedFieldsTracker.TrackUpdate(null, created, Upd("kubectl-create"));
        var entry = Assert.Single(Managed(created))!.AsObject();
        Assert.Equal("Update", (string?)entry["operation"]);
        Assert.StartsWith("""{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{".":{},""", entry["fieldsV1"]!.ToJsonString(TestJson.Relaxed), StringComparison.Ordinal);

        var reset = (JsonObject)created.DeepClone();
        reset["metadata"]!["managedFields"] = new JsonArray();
        ManagedFieldsTracker.TrackUpdate(created, reset, Upd("kubectl-edit", 5));
        Assert.False(reset["metadata"]!.AsObject().ContainsKey("managedFields"));

        // An object nobody owns: its existing fields are credited to before-first-apply, which can conflict.
        var ex = Assert.Throws<ApiException>(() => ServerSideApply.Apply(reset, Deploy(replicas: 4), Req("flux")));
        Assert.Contains("\"before-first-apply\" using apps/v1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnchangedUpdateDoesNotTouchTime()
    {
        var created = Deploy();
        ManagedFieldsTracker.TrackUpdate(null, created, Upd("controller"));
        var same = (JsonObject)created.DeepClone();
        ManagedFieldsTracker.TrackUpdate(created, same, Upd("controller", 100));

        Assert.True(JsonNode.DeepEquals(created, same));
    }

    [Fact]
    public void ApplyConfigMustNotCarryManagedFields()
    {
        var config = Deploy();
        config["metadata"]!["managedFields"] = new JsonArray();
        var ex = Assert.Throws<ApiException>(() => ServerSideApply.Apply(null, config, Req("flux")));
        Assert.Equal(HttpStatusCode.BadRequest, ex.Code);
    }

    [Fact]
    public void CrdListMapKeysSetsAndUnknownFields()
    {
        var config = (JsonObject)JsonNode.Parse("""
        {
          "apiVersion": "example.com/v1", "kind": "Widget", "metadata": { "name": "w" },
          "spec": {
            "interval": "1m",
            "items": [ { "id": "a", "value": "1" }, { "id": "b", "value": "2" } ],
            "tags": ["x", "y"],
            "extra": { "deep": { "z": 1 } }
          }
        }
        """)!;
        var request = new ApplyRequest("kustomize-controller", false, "example.com/v1", ApplySchemas.Crd, T0);
        var live = ServerSideApply.Apply(null, config, request);

        Assert.Equal(
            """{"f:spec":{"f:extra":{".":{},"f:deep":{".":{},"f:z":{}}},"f:interval":{},"f:items":{"k:{\"id\":\"a\"}":{".":{},"f:id":{},"f:value":{}},"k:{\"id\":\"b\"}":{".":{},"f:id":{},"f:value":{}}},"f:tags":{"v:\"x\"":{},"v:\"y\"":{}}}}""",
            Managed(live)[0]!["fieldsV1"]!.ToJsonString(TestJson.Relaxed));

        config["spec"]!["items"]!.AsArray().RemoveAt(0);
        config["spec"]!["tags"]!.AsArray().RemoveAt(1);
        config["spec"]!.AsObject().Remove("extra");
        var updated = ServerSideApply.Apply(live, config, request);

        Assert.Equal("""{"interval":"1m","items":[{"id":"b","value":"2"}],"tags":["x"]}""", updated["spec"]!.ToJsonString(TestJson.Relaxed));
    }

    [Fact]
    public void SubresourceApplyGetsItsOwnEntry()
    {
        var live = ServerSideApply.Apply(null, Deploy(), Req("flux"));
        var status = new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["metadata"] = new JsonObject { ["name"] = "web" }, ["spec"] = new JsonObject { ["paused"] = true } };
        var updated = ServerSideApply.Apply(live, status, Req("flux") with { Subresource = "scale" });

        Assert.Equal(2, Managed(updated).Count);
        Assert.Equal("scale", (string?)Managed(updated)[1]!["subresource"]);
        Assert.Equal(2, (int)Spec(updated, "replicas")!);
    }

    [Fact]
    public void ManyUpdatersAreCappedIntoAncientChanges()
    {
        var obj = Deploy();
        ManagedFieldsTracker.TrackUpdate(null, obj, Upd("creator"));
        for (var i = 0; i < 12; i++)
        {
            var next = (JsonObject)obj.DeepClone();
            next["metadata"]!["labels"]![$"l{i}"] = "v";
            ManagedFieldsTracker.TrackUpdate(obj, next, Upd($"writer-{i}", i + 1));
            obj = next;
        }

        var managers = Managed(obj).Select(e => (string?)e!["manager"]).ToList();
        Assert.Equal(10, managers.Count);
        Assert.Contains("ancient-changes", managers);
        Assert.Contains("writer-11", managers);
    }

    [Fact]
    public void DeploymentApplyIsFast()
    {
        var live = ServerSideApply.Apply(null, Deploy(), Req("flux"));
        var config = Deploy(image: "nginx:2");
        for (var i = 0; i < 50; i++)
        {
            ServerSideApply.Apply(live, config, Req("flux"));
        }

        const int runs = 500;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < runs; i++)
        {
            ServerSideApply.Apply(live, config, Req("flux"));
        }

        // Generous bound: the machine is shared; typical cost is far below this.
        Assert.True(watch.Elapsed.TotalMilliseconds / runs < 1.0, $"{watch.Elapsed.TotalMilliseconds / runs} ms per apply");
    }
}
