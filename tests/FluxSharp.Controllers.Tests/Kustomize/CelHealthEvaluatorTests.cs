using System.Text.Json.Nodes;
using FluxSharp.Api.Kustomize.V1;
using FluxSharp.Controllers.Kustomize;
using FluxSharp.Kubernetes.Apply;
using FluxSharp.Kubernetes.Health;
using FluxSharp.Testing;

namespace FluxSharp.Controllers.Tests.Kustomize;

/// <summary>spec.healthCheckExprs: the CEL evaluator, and the runtime's health checker using it for the kinds it covers.</summary>
public sealed class CelHealthEvaluatorTests : IClassFixture<ClusterFixture>
{
    private static readonly CustomHealthCheck Certificate = new()
    {
        ApiVersion = "cert-manager.io/v1",
        Kind = "Certificate",
        // all() over an empty filter is true in CEL, so "in progress" is written with exists().
        InProgress = "status.conditions.exists(e, e.type == 'Issuing' && e.status == 'True')",
        Failed = "status.conditions.filter(e, e.type == 'Ready').all(e, e.observedGeneration == metadata.generation && e.status == 'False')",
        Current = "status.conditions.filter(e, e.type == 'Ready').all(e, e.observedGeneration == metadata.generation && e.status == 'True')",
    };

    private static readonly ApplyOptions Options = new() { WaitTimeout = TimeSpan.FromSeconds(20), WaitInterval = TimeSpan.FromMilliseconds(100) };
    private readonly ClusterFixture _cluster;
    private readonly ResourceApplier _applier;

    public CelHealthEvaluatorTests(ClusterFixture cluster)
    {
        _cluster = cluster;
        _applier = new ResourceApplier(cluster.Client);
    }

    [Theory]
    [InlineData("""[{"type":"Ready","status":"True","observedGeneration":1}]""", ObjectStatus.Current)]
    [InlineData("""[{"type":"Ready","status":"False","observedGeneration":1}]""", ObjectStatus.Failed)]
    [InlineData("""[{"type":"Issuing","status":"True","observedGeneration":1},{"type":"Ready","status":"False","observedGeneration":1}]""", ObjectStatus.InProgress)]
    [InlineData("""[{"type":"Ready","status":"Unknown","observedGeneration":1}]""", ObjectStatus.InProgress)]
    public void FluxStyleExpressionsDecideTheStatusInOrder(string conditions, ObjectStatus expected)
    {
        var evaluator = new CelHealthEvaluator([Certificate]);
        var obj = JsonNode.Parse($$$"""{"apiVersion":"cert-manager.io/v1","kind":"Certificate","metadata":{"name":"c","generation":1},"status":{"conditions":{{{conditions}}}}}""")!.AsObject();
        Assert.Equal(expected, evaluator.Evaluate(obj)!.Status);
    }

    [Fact]
    public void OtherKindsAreLeftToKstatusAndAnOldObservedGenerationIsInProgress()
    {
        var evaluator = new CelHealthEvaluator([Certificate]);
        Assert.Null(evaluator.Evaluate(JsonNode.Parse("""{"apiVersion":"v1","kind":"ConfigMap"}""")!.AsObject()));
        var stale = JsonNode.Parse("""{"apiVersion":"cert-manager.io/v1","kind":"Certificate","metadata":{"generation":2},"status":{"observedGeneration":1,"conditions":[{"type":"Ready","status":"True","observedGeneration":2}]}}""")!.AsObject();
        Assert.Equal(ObjectStatus.InProgress, evaluator.Evaluate(stale)!.Status);
    }

    [Fact]
    public void HasAndExistsWorkAndEvaluationErrorsAreUnknown()
    {
        var evaluator = new CelHealthEvaluator([new CustomHealthCheck { ApiVersion = "example.com/v1", Kind = "W", Current = "has(status.phase) && status.phase == 'Done'", Failed = "status.conditions.exists(c, c.type == 'Failed')" }]);
        Assert.Equal(ObjectStatus.Current, evaluator.Evaluate(JsonNode.Parse("""{"apiVersion":"example.com/v1","kind":"W","status":{"phase":"Done","conditions":[]}}""")!.AsObject())!.Status);
        Assert.Equal(ObjectStatus.Failed, evaluator.Evaluate(JsonNode.Parse("""{"apiVersion":"example.com/v1","kind":"W","status":{"conditions":[{"type":"Failed"}]}}""")!.AsObject())!.Status);
        var noStatus = evaluator.Evaluate(JsonNode.Parse("""{"apiVersion":"example.com/v1","kind":"W"}""")!.AsObject())!;
        Assert.Equal(ObjectStatus.Unknown, noStatus.Status);
        Assert.Contains("failed", noStatus.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ABadExpressionFailsWhenBuiltAndNamesIt()
    {
        var e = Assert.Throws<CelExpressionException>(() => new CelHealthEvaluator([new CustomHealthCheck { ApiVersion = "example.com/v1", Kind = "W", Current = "status.ready ==" }]));
        Assert.Contains("invalid current health check expression for example.com/v1/W 'status.ready =='", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CelExpressionsOverrideKstatusForTheirKind()
    {
        var ns = await _cluster.NewNamespaceAsync();
        var changes = await _applier.ApplyAllStagedAsync([ConfigMap(ns, "flag", """{"ready":"no"}""")], Options, CancellationToken.None);
        var checker = new HealthChecker(_cluster.Client)
        {
            Custom = new CelHealthEvaluator([new CustomHealthCheck { ApiVersion = "v1", Kind = "ConfigMap", Current = "data.ready == 'yes'", Failed = "data.ready == 'broken'" }]),
        };
        var entries = changes.Entries.Select(e => e.Entry).ToList();
        var notYet = await checker.WaitAsync(entries, TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(100), CancellationToken.None);
        Assert.True(notYet.TimedOut);

        await _applier.ApplyAsync(ConfigMap(ns, "flag", """{"ready":"yes"}"""), Options, CancellationToken.None);
        Assert.True((await checker.WaitAsync(entries, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100), CancellationToken.None)).Healthy);

        await _applier.ApplyAsync(ConfigMap(ns, "flag", """{"ready":"broken"}"""), Options, CancellationToken.None);
        var failed = await checker.WaitAsync(entries, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100), CancellationToken.None);
        Assert.False(failed.Healthy);
        Assert.False(failed.TimedOut);
    }

    private static JsonObject ConfigMap(string ns, string name, string data) =>
        JsonNode.Parse($$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{name}}","namespace":"{{ns}}"},"data":{{data}}}""")!.AsObject();
}
