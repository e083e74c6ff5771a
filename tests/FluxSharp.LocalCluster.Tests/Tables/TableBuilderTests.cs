using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Resources;
using FluxSharp.LocalCluster.Tables;
using FluxSharp.Formats;

namespace FluxSharp.LocalCluster.Tests.Tables;

public class TableBuilderTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 10, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(5, "5s")]
    [InlineData(119, "119s")]
    [InlineData(123, "2m3s")]
    [InlineData(180, "3m")]
    [InlineData(600, "10m")]
    [InlineData(3 * 3600 + 4 * 60, "3h4m")]
    [InlineData(10 * 3600, "10h")]
    [InlineData(2 * 86400 + 5 * 3600, "2d5h")]
    [InlineData(45 * 86400, "45d")]
    [InlineData(3 * 365 * 86400 + 12 * 86400, "3y12d")]
    [InlineData(9 * 365 * 86400, "9y")]
    [InlineData(-1, "0s")]
    [InlineData(-5, "<invalid>")]
    public void AgesFormatLikeHumanDuration(long seconds, string expected) =>
        Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void DeploymentRowsAndColumns()
    {
        var deployment = Parse("""
            {"apiVersion":"apps/v1","kind":"Deployment",
             "metadata":{"name":"web","namespace":"default","creationTimestamp":"2025-01-10T11:55:00Z","labels":{"app":"web"},"resourceVersion":"7"},
             "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web","tier":"fe"}},
                     "template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.27"},{"name":"side","image":"busybox"}]}}},
             "status":{"readyReplicas":2,"updatedReplicas":3,"availableReplicas":2}}
            """);
        var table = TableBuilder.Build(Builtin("apps", "Deployment", "deployments"), [deployment], null, "42", null, Now);

        Assert.Equal("Table", (string?)table["kind"]);
        Assert.Equal("meta.k8s.io/v1", (string?)table["apiVersion"]);
        Assert.Equal("42", (string?)table["metadata"]!["resourceVersion"]);
        Assert.Equal(["Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"], ColumnNames(table));
        Assert.Equal("name", (string?)table["columnDefinitions"]![0]!["format"]);
        Assert.Equal(1, (int)table["columnDefinitions"]![5]!["priority"]!);
        Assert.Equal(
            """["web","2/3",3,2,"5m","nginx,side","nginx:1.27,busybox","app=web,tier=fe"]""",
            Cells(table, 0));

        var obj = table["rows"]![0]!["object"]!;
        Assert.Equal("PartialObjectMetadata", (string?)obj["kind"]);
        Assert.Equal("meta.k8s.io/v1", (string?)obj["apiVersion"]);
        Assert.Equal("default", (string?)obj["metadata"]!["namespace"]);
        Assert.Equal("web", (string?)obj["metadata"]!["labels"]!["app"]);
    }

    [Fact]
    public void IncludeObjectModes()
    {
        var cm = Parse("""{"metadata":{"name":"c","creationTimestamp":"2025-01-10T11:59:00Z"},"data":{"a":"1","b":"2"},"binaryData":{"c":"AA=="}}""");
        var resource = Builtin("", "ConfigMap", "configmaps");

        var none = TableBuilder.Build(resource, [cm], "None", null, "next", Now);
        Assert.Null(none["rows"]![0]!["object"]);
        Assert.Equal("next", (string?)none["metadata"]!["continue"]);
        Assert.Equal("""["c",3,"60s"]""", Cells(none, 0));

        var full = TableBuilder.Build(resource, [cm], "Object", null, null, Now);
        Assert.Equal("ConfigMap", (string?)full["rows"]![0]!["object"]!["kind"]);
        Assert.Equal("v1", (string?)full["rows"]![0]!["object"]!["apiVersion"]);

        Assert.Throws<ApiException>(() => TableBuilder.Build(resource, [cm], "Everything", null, null, Now));
    }

    [Fact]
    public void PodStatusReadyAndRestarts()
    {
        var running = Parse("""
            {"metadata":{"name":"p1","creationTimestamp":"2025-01-10T10:00:00Z"},
             "spec":{"nodeName":"node-1","containers":[{"name":"a"},{"name":"b"}]},
             "status":{"phase":"Running","podIPs":[{"ip":"10.0.0.5"}],
               "conditions":[{"type":"Ready","status":"False"}],
               "containerStatuses":[
                 {"name":"a","ready":true,"restartCount":0,"state":{"running":{}}},
                 {"name":"b","ready":false,"restartCount":2,"state":{"waiting":{"reason":"CrashLoopBackOff"}},
                  "lastState":{"terminated":{"exitCode":1,"finishedAt":"2025-01-10T11:58:00Z"}}}]}}
            """);
        var initializing = Parse("""
            {"metadata":{"name":"p2","creationTimestamp":"2025-01-10T11:59:30Z"},
             "spec":{"initContainers":[{"name":"i1"},{"name":"i2"}],"containers":[{"name":"a"}]},
             "status":{"phase":"Pending","initContainerStatuses":[
               {"name":"i1","state":{"terminated":{"exitCode":0}}},
               {"name":"i2","state":{"running":{}}}]}}
            """);
        var done = Parse("""
            {"metadata":{"name":"p3","creationTimestamp":"2025-01-10T11:00:00Z"},
             "spec":{"containers":[{"name":"a"}]},
             "status":{"phase":"Succeeded","containerStatuses":[{"name":"a","ready":false,"restartCount":0,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}}
            """);

        var table = TableBuilder.Build(Builtin("", "Pod", "pods"), [running, initializing, done], null, null, null, Now);
        Assert.Equal(["Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"], ColumnNames(table));
        Assert.Equal("""["p1","1/2","CrashLoopBackOff","2 (2m ago)","120m","10.0.0.5","node-1","<none>","<none>"]""", Cells(table, 0));
        Assert.Equal("""["p2","0/1","Init:1/2","0","30s","<none>","<none>","<none>","<none>"]""", Cells(table, 1));
        Assert.Equal("Completed", (string?)table["rows"]![2]!["cells"]![2]);
        Assert.Equal("Succeeded", (string?)table["rows"]![2]!["conditions"]![0]!["reason"]);
    }

    [Fact]
    public void CustomResourceWithFluxPrinterColumns()
    {
        var resource = new ResourceInfo
        {
            Group = "kustomize.toolkit.fluxcd.io",
            Version = "v1",
            Kind = "Kustomization",
            Plural = "kustomizations",
            Singular = "kustomization",
            Namespaced = true,
            IsCustom = true,
            PrinterColumns =
            [
                new("Age", "date", ".metadata.creationTimestamp"),
                new("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status"),
                new("Status", "string", ".status.conditions[?(@.type==\"Ready\")].message"),
                new("Interval", "string", ".spec.interval", Priority: 1),
                new("Generation", "integer", ".metadata.generation", Priority: 1),
            ],
        };
        var ks = Parse("""
            {"metadata":{"name":"apps","namespace":"flux-system","creationTimestamp":"2025-01-08T07:00:00Z","generation":3},
             "spec":{"interval":"10m"},
             "status":{"conditions":[
               {"type":"Reconciling","status":"False","message":"done"},
               {"type":"Ready","status":"True","message":"Applied revision: main@sha1:abc"}]}}
            """);
        var pending = Parse("""{"metadata":{"name":"new","creationTimestamp":"2025-01-10T11:59:58Z"}}""");

        var table = TableBuilder.Build(resource, [ks, pending], null, null, null, Now);
        Assert.Equal(["Name", "Age", "Ready", "Status", "Interval", "Generation"], ColumnNames(table));
        Assert.Equal("date", (string?)table["columnDefinitions"]![1]!["type"]);
        Assert.Equal("""["apps","2d5h","True","Applied revision: main@sha1:abc","10m",3]""", Cells(table, 0));
        Assert.Equal("""["new","2s",null,null,null,null]""", Cells(table, 1));
    }

    [Fact]
    public void CustomResourceWithoutColumnsGetsAge()
    {
        var resource = Builtin("example.com", "Widget", "widgets") with { IsCustom = true };
        var table = TableBuilder.Build(resource, [Parse("""{"metadata":{"name":"w","creationTimestamp":"2025-01-10T11:00:00Z"}}""")], null, null, null, Now);
        Assert.Equal(["Name", "Age"], ColumnNames(table));
        Assert.Equal("""["w","60m"]""", Cells(table, 0));
    }

    [Fact]
    public void ClusterRolesAndCrdsPrintCreatedAt()
    {
        var table = TableBuilder.Build(Builtin("rbac.authorization.k8s.io", "ClusterRole", "clusterroles"), [Parse("""{"metadata":{"name":"view","creationTimestamp":"2025-01-10T11:00:00Z"}}""")], null, null, null, Now);
        Assert.Equal(["Name", "Created At"], ColumnNames(table));
        Assert.Equal("""["view","2025-01-10T11:00:00Z"]""", Cells(table, 0));
    }

    [Fact]
    public void JsonPathSubset()
    {
        var doc = Parse("""
            {"metadata":{"name":"n","labels":{"app.kubernetes.io/name":"x"}},
             "items":[{"k":"a","n":1},{"k":"b","n":5},{"k":"c","n":10}],
             "status":{"conditions":[{"type":"Ready","status":"True"},{"type":"Stalled","status":"False"}]}}
            """);

        Assert.Equal("n", (string?)JsonPathExpression.First(doc, "{.metadata.name}"));
        Assert.Equal("n", (string?)JsonPathExpression.First(doc, ".metadata.name"));
        Assert.Equal("x", (string?)JsonPathExpression.First(doc, ".metadata.labels.app\\.kubernetes\\.io/name"));
        Assert.Equal("x", (string?)JsonPathExpression.First(doc, ".metadata.labels['app.kubernetes.io/name']"));
        Assert.Equal("b", (string?)JsonPathExpression.First(doc, ".items[1].k"));
        Assert.Equal("c", (string?)JsonPathExpression.First(doc, ".items[-1].k"));
        Assert.Equal(["a", "b", "c"], JsonPathExpression.Evaluate(doc, "{.items[*].k}").Select(n => (string?)n));
        Assert.Equal(["a", "b"], JsonPathExpression.Evaluate(doc, ".items[0:2].k").Select(n => (string?)n));
        Assert.Equal(["c"], JsonPathExpression.Evaluate(doc, ".items[?(@.n > 5)].k").Select(n => (string?)n));
        Assert.Equal(["a", "c"], JsonPathExpression.Evaluate(doc, ".items[?(@.k != 'b')].k").Select(n => (string?)n));
        Assert.Equal("True", (string?)JsonPathExpression.First(doc, ".status.conditions[?(@.type==\"Ready\")].status"));
        Assert.Equal(["Ready", "Stalled"], JsonPathExpression.Evaluate(doc, "..type").Select(n => (string?)n));
        Assert.Empty(JsonPathExpression.Evaluate(doc, ".status.conditions[?(@.type==\"Missing\")].status"));
        Assert.Empty(JsonPathExpression.Evaluate(doc, ".spec.nothing"));
        Assert.Throws<FormatException>(() => JsonPathExpression.Evaluate(doc, ".items[?(@.k = 'b')]"));
    }

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Cells(JsonObject table, int row) => table["rows"]![row]!["cells"]!.ToJsonString(Relaxed);

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    private static List<string?> ColumnNames(JsonObject table) => [.. table["columnDefinitions"]!.AsArray().Select(c => (string?)c!["name"])];

    private static ResourceInfo Builtin(string group, string kind, string plural) => new()
    {
        Group = group,
        Version = "v1",
        Kind = kind,
        Plural = plural,
        Singular = kind.ToLowerInvariant(),
        Namespaced = true,
    };
}
