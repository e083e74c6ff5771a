using System.Text.Json.Nodes;
using FluxSharp.Api;
using FluxSharp.Kubernetes.Apply;
using FluxSharp.Kubernetes.Client;
using FluxSharp.Testing;

namespace FluxSharp.Kubernetes.Tests.Apply;

/// <summary>Server-side apply against the local control plane: stages, drift, ssa annotations, force.</summary>
public sealed class ResourceApplierTests : IClassFixture<ClusterFixture>
{
    /// <summary>The runtime's selectors given Flux's annotations, as the Kustomization controller gives them.</summary>
    private static readonly ApplyOptions Options = new()
    {
        WaitTimeout = TimeSpan.FromSeconds(20),
        WaitInterval = TimeSpan.FromMilliseconds(100),
        FieldManager = "kustomize-controller",
        ExclusionSelector = new Dictionary<string, string> { [FluxAnnotations.Reconcile] = "disabled", [FluxAnnotations.ServerSideApply] = "Ignore" },
        IfNotPresentSelector = new Dictionary<string, string> { [FluxAnnotations.ServerSideApply] = "IfNotPresent" },
        ForceSelector = new Dictionary<string, string> { [FluxAnnotations.Force] = "enabled" },
        ForceHint = $"set spec.force to true or annotate it with {FluxAnnotations.Force}: enabled",
        CleanupFieldManagers = [new("kubectl", "Apply"), new("kubectl", "Update"), new("before-first-apply", "Update"), new("kustomize-controller", "Update")],
        CleanupExclusions = new Dictionary<string, string> { [FluxAnnotations.ServerSideApply] = "Merge" },
    };

    private readonly ClusterFixture _cluster;
    private readonly ResourceApplier _applier;
    private readonly KubeClient _rest;

    public ResourceApplierTests(ClusterFixture cluster)
    {
        _cluster = cluster;
        _rest = new KubeClient(cluster.Client);
        _applier = new ResourceApplier(_rest);
    }

    [Fact]
    public async Task StagesApplyACrdItsCustomResourceAndANamespaceInOneSet()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var ns = $"stage-{suffix}";
        var group = $"s{suffix}.example.com";
        var objects = new[]
        {
            Obj($$$"""{"apiVersion":"{{{group}}}/v1","kind":"Gadget","metadata":{"name":"g1","namespace":"{{{ns}}}"},"spec":{"size":3}}"""),
            Obj($$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","namespace":"{{{ns}}}"},"data":{"a":"1"}}"""),
            Obj($$$$$$"""
                {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"gadgets.{{{{{{group}}}}}}"},
                 "spec":{"group":"{{{{{{group}}}}}}","scope":"Namespaced","names":{"plural":"gadgets","singular":"gadget","kind":"Gadget","listKind":"GadgetList"},
                 "versions":[{"name":"v1","served":true,"storage":true,
                   "schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}}}]}}
                """),
            Obj($$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{ns}}}"}}"""),
        };

        var changes = await _applier.ApplyAllStagedAsync(objects, Options, CancellationToken.None);
        Assert.Equal(
            [$"CustomResourceDefinition/gadgets.{group} created", $"Namespace/{ns} created", $"ConfigMap/{ns}/cfg created", $"Gadget/{ns}/g1 created"],
            changes.Entries.Select(e => e.ToString()));
        var gadget = await _rest.GetAsync($"/apis/{group}/v1/namespaces/{ns}/gadgets/g1", CancellationToken.None);
        Assert.Equal(3, (int?)gadget!["spec"]!["size"]);

        var again = await _applier.ApplyAllStagedAsync(objects, Options, CancellationToken.None);
        Assert.All(again.Entries, e => Assert.Equal(ChangeAction.Unchanged, e.Action));
        Assert.Equal(
            [$"_gadgets.{group}_apiextensions.k8s.io_CustomResourceDefinition", $"_{ns}__Namespace", $"{ns}_cfg__ConfigMap", $"{ns}_g1_{group}_Gadget"],
            again.Entries.Select(e => e.Entry.Id));
    }

    [Fact]
    public async Task CreatedThenUnchangedWithoutAWriteThenConfigured()
    {
        var ns = await _cluster.NewNamespaceAsync();
        var cm = ConfigMap(ns, "settings", """{"a":"1"}""");
        Assert.Equal(ChangeAction.Created, (await _applier.ApplyAsync(cm, Options, CancellationToken.None)).Action);
        var rv = (string?)(await Live(ns, "configmaps", "settings"))["metadata"]!["resourceVersion"];

        var unchanged = await _applier.ApplyAsync(cm, Options, CancellationToken.None);
        Assert.Equal(ChangeAction.Unchanged, unchanged.Action);
        Assert.Equal(rv, (string?)(await Live(ns, "configmaps", "settings"))["metadata"]!["resourceVersion"]);

        var changed = await _applier.ApplyAsync(ConfigMap(ns, "settings", """{"a":"2"}"""), Options, CancellationToken.None);
        Assert.Equal($"ConfigMap/{ns}/settings configured", changed.ToString());
        Assert.Equal("2", (string?)(await Live(ns, "configmaps", "settings"))["data"]!["a"]);

        // A field removed from the manifest is removed from the object.
        await _applier.ApplyAsync(ConfigMap(ns, "settings", """{"b":"3"}"""), Options, CancellationToken.None);
        Assert.Equal("""{"b":"3"}""", (await Live(ns, "configmaps", "settings"))["data"]!.ToJsonString());
    }

    [Fact]
    public async Task DriftFromScaleEditsAndOtherManagersIsCorrected()
    {
        var ns = await _cluster.NewNamespaceAsync();
        var deployment = Deployment(ns, "web", replicas: 2, image: "nginx:1.27");
        await _applier.ApplyAsync(deployment, Options, CancellationToken.None);
        var path = $"/apis/apps/v1/namespaces/{ns}/deployments/web";

        // kubectl scale: the scale subresource, manager kubectl.
        await _rest.SendAsync(HttpMethod.Patch, path + "/scale?fieldManager=kubectl", Obj("""{"spec":{"replicas":5}}"""), "application/merge-patch+json", CancellationToken.None);
        // kubectl edit: a label value changed and a label added.
        await _rest.SendAsync(HttpMethod.Patch, path + "?fieldManager=kubectl-edit", Obj("""{"metadata":{"labels":{"tier":"backend","added-by-edit":"x"}}}"""), "application/merge-patch+json", CancellationToken.None);
        // another controller changes the image and adds an annotation of its own.
        await _rest.SendAsync(HttpMethod.Patch, path + "?fieldManager=some-operator", Obj("""{"metadata":{"annotations":{"operator/seen":"yes"}},"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:hacked"}]}}}}"""), "application/strategic-merge-patch+json", CancellationToken.None);
        var drifted = await Live(ns, "deployments", "web", "apps");
        Assert.Equal(5, (int?)drifted["spec"]!["replicas"]);
        Assert.Equal("nginx:hacked", (string?)drifted["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);

        var entry = await _applier.ApplyAsync(deployment, Options, CancellationToken.None);
        Assert.Equal(ChangeAction.Configured, entry.Action);
        var live = await Live(ns, "deployments", "web", "apps");
        Assert.Equal(2, (int?)live["spec"]!["replicas"]);
        Assert.Equal("frontend", (string?)live["metadata"]!["labels"]!["tier"]);
        Assert.Equal("nginx:1.27", (string?)live["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);
        Assert.Null(live["metadata"]!["labels"]!["added-by-edit"]);
        Assert.Equal("yes", (string?)live["metadata"]!["annotations"]!["operator/seen"]);

        Assert.Equal(ChangeAction.Unchanged, (await _applier.ApplyAsync(deployment, Options, CancellationToken.None)).Action);
    }

    [Fact]
    public async Task ClientSideApplyLeftoversAreTakenOver()
    {
        var ns = await _cluster.NewNamespaceAsync();
        var path = $"/api/v1/namespaces/{ns}/configmaps";
        await _rest.SendAsync(HttpMethod.Post, path + "?fieldManager=kubectl-client-side-apply", Obj($$$"""
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"legacy","namespace":"{{{ns}}}","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}"}},"data":{"old":"1","kept":"1"}}
            """), null, CancellationToken.None);

        var entry = await _applier.ApplyAsync(ConfigMap(ns, "legacy", """{"kept":"2"}"""), Options, CancellationToken.None);
        Assert.Equal(ChangeAction.Configured, entry.Action);
        var live = await Live(ns, "configmaps", "legacy");
        Assert.Equal("""{"kept":"2"}""", live["data"]!.ToJsonString());
        Assert.Null(live["metadata"]!["annotations"]?["kubectl.kubernetes.io/last-applied-configuration"]);
        Assert.DoesNotContain((live["metadata"]!["managedFields"] as JsonArray)!, m => ((string?)m!["manager"])!.StartsWith("kubectl", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SsaAnnotationsIgnoreIfNotPresentAndMerge()
    {
        var ns = await _cluster.NewNamespaceAsync();
        var ignored = ConfigMap(ns, "ignored", """{"a":"1"}""", annotations: """{"kustomize.toolkit.fluxcd.io/ssa":"Ignore"}""");
        var once = ConfigMap(ns, "once", """{"a":"1"}""", annotations: """{"kustomize.toolkit.fluxcd.io/ssa":"IfNotPresent"}""");
        var merged = ConfigMap(ns, "merged", """{"a":"1"}""", annotations: """{"kustomize.toolkit.fluxcd.io/ssa":"Merge"}""");
        var first = await _applier.ApplyAllStagedAsync([ignored, once, merged], Options, CancellationToken.None);
        Assert.Equal(ChangeAction.Skipped, first.ActionFor($"ConfigMap/{ns}/ignored"));
        Assert.Equal(ChangeAction.Created, first.ActionFor($"ConfigMap/{ns}/once"));
        Assert.Equal(ChangeAction.Created, first.ActionFor($"ConfigMap/{ns}/merged"));
        Assert.Null(await _rest.GetAsync($"/api/v1/namespaces/{ns}/configmaps/ignored", CancellationToken.None));

        // Someone edits both with kubectl.
        foreach (var name in new[] { "once", "merged" })
        {
            await _rest.SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/{name}?fieldManager=kubectl-edit", Obj("""{"data":{"extra":"x"}}"""), "application/merge-patch+json", CancellationToken.None);
        }

        var second = await _applier.ApplyAllStagedAsync(
            [ConfigMap(ns, "once", """{"a":"2"}""", annotations: """{"kustomize.toolkit.fluxcd.io/ssa":"IfNotPresent"}"""), ConfigMap(ns, "merged", """{"a":"2"}""", annotations: """{"kustomize.toolkit.fluxcd.io/ssa":"Merge"}""")],
            Options,
            CancellationToken.None);
        Assert.Equal(ChangeAction.Skipped, second.ActionFor($"ConfigMap/{ns}/once"));
        Assert.Equal("""{"a":"1","extra":"x"}""", (await Live(ns, "configmaps", "once"))["data"]!.ToJsonString());
        Assert.Equal(ChangeAction.Configured, second.ActionFor($"ConfigMap/{ns}/merged"));
        var mergedLive = (await Live(ns, "configmaps", "merged"))["data"]!.AsObject();
        Assert.Equal("2", (string?)mergedLive["a"]);
        Assert.Equal("x", (string?)mergedLive["extra"]);
    }

    [Fact]
    public async Task AnImmutableSelectorChangeFailsWithoutForceAndRecreatesWithForce()
    {
        var ns = await _cluster.NewNamespaceAsync();
        await _applier.ApplyAsync(Deployment(ns, "api", 1, "nginx:1", app: "api"), Options, CancellationToken.None);
        var uid = (string?)(await Live(ns, "deployments", "api", "apps"))["metadata"]!["uid"];
        var changed = Deployment(ns, "api", 1, "nginx:1", app: "api-v2");

        var error = await Assert.ThrowsAsync<ApplyException>(() => _applier.ApplyAllStagedAsync([changed], Options, CancellationToken.None));
        Assert.StartsWith($"Deployment/{ns}/api dry-run failed (Invalid):", error.Message, StringComparison.Ordinal);
        Assert.Contains("immutable", error.Message, StringComparison.Ordinal);
        Assert.Contains("spec.force", error.Message, StringComparison.Ordinal);
        Assert.Equal(uid, (string?)(await Live(ns, "deployments", "api", "apps"))["metadata"]!["uid"]);

        var recreated = await _applier.ApplyAllStagedAsync([changed], Options with { Force = true }, CancellationToken.None);
        Assert.Equal(ChangeAction.Created, recreated.Entries[0].Action);
        var live = await Live(ns, "deployments", "api", "apps");
        Assert.NotEqual(uid, (string?)live["metadata"]!["uid"]);
        Assert.Equal("api-v2", (string?)live["spec"]!["selector"]!["matchLabels"]!["app"]);
    }

    [Fact]
    public async Task TheForceAnnotationRecreatesAJobWhoseTemplateChanged()
    {
        var ns = await _cluster.NewNamespaceAsync();
        await _applier.ApplyAsync(Job(ns, "migrate", "busybox:1"), Options, CancellationToken.None);
        var error = await Assert.ThrowsAsync<ApplyException>(() => _applier.ApplyAsync(Job(ns, "migrate", "busybox:2"), Options, CancellationToken.None));
        Assert.Contains($"Job/{ns}/migrate dry-run failed", error.Message, StringComparison.Ordinal);

        var entry = await _applier.ApplyAsync(Job(ns, "migrate", "busybox:2", force: true), Options, CancellationToken.None);
        Assert.Equal(ChangeAction.Created, entry.Action);
        Assert.Equal("busybox:2", (string?)(await Live(ns, "jobs", "migrate", "batch"))["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);
    }

    [Fact]
    public async Task ErrorsNameTheObject()
    {
        var ns = await _cluster.NewNamespaceAsync();
        var missingKind = Obj($$$"""{"apiVersion":"nope.example.com/v1","kind":"Nothing","metadata":{"name":"n","namespace":"{{{ns}}}"}}""");
        var e1 = await Assert.ThrowsAsync<ApplyException>(() => _applier.ApplyAllStagedAsync([missingKind], Options, CancellationToken.None));
        Assert.Equal($"Nothing/{ns}/n dry-run failed: no matches for kind \"Nothing\" in version \"nope.example.com/v1\"", e1.Message);

        var noNamespace = Obj("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"orphan"}}""");
        var e2 = await Assert.ThrowsAsync<ApplyException>(() => _applier.ApplyAllStagedAsync([noNamespace], Options, CancellationToken.None));
        Assert.StartsWith("ConfigMap/orphan namespace not specified", e2.Message, StringComparison.Ordinal);

        var invalid = Obj($$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"Bad_Name","namespace":"{{{ns}}}"}}""");
        var e3 = await Assert.ThrowsAsync<ApplyException>(() => _applier.ApplyAllStagedAsync([invalid], Options, CancellationToken.None));
        Assert.StartsWith($"ConfigMap/{ns}/Bad_Name dry-run failed (Invalid):", e3.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheMapperFindsKindsOfACrdInstalledAfterTheFirstLookup()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var group = $"m{suffix}.example.com";
        Assert.Null(await _applier.Mapper.TryMapAsync($"{group}/v1", "Thing", CancellationToken.None));
        await _applier.ApplyAllStagedAsync(
            [Obj($$$$"""
                {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"things.{{{{group}}}}"},
                 "spec":{"group":"{{{{group}}}}","scope":"Cluster","names":{"plural":"things","singular":"thing","kind":"Thing","listKind":"ThingList"},
                 "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}
                """)],
            Options,
            CancellationToken.None);
        var mapping = await _applier.Mapper.MapAsync($"{group}/v1", "Thing", CancellationToken.None);
        Assert.Equal(new ApiResource(group, "v1", "things", "Thing", Namespaced: false), mapping);
        Assert.Equal(new ApiResource("apps", "v1", "deployments", "Deployment", Namespaced: true), await _applier.Mapper.MapAsync("apps/v1", "Deployment", CancellationToken.None));
    }

    private async Task<JsonObject> Live(string ns, string plural, string name, string group = "")
    {
        var prefix = group.Length == 0 ? "/api/v1" : $"/apis/{group}/v1";
        return await _rest.GetAsync($"{prefix}/namespaces/{ns}/{plural}/{name}", CancellationToken.None) ?? throw new InvalidOperationException($"{plural}/{name} not found");
    }

    internal static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    internal static JsonObject ConfigMap(string ns, string name, string data, string annotations = "{}") =>
        Obj($$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{name}}","namespace":"{{ns}}","annotations":{{annotations}}},"data":{{data}}}""");

    internal static JsonObject Deployment(string ns, string name, int replicas, string image, string app = "web", string annotations = "{}") => Obj($$$$$"""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"{{{{{name}}}}}","namespace":"{{{{{ns}}}}}","labels":{"app":"{{{{{app}}}}}","tier":"frontend"},"annotations":{{{{{annotations}}}}}},
         "spec":{"replicas":{{{{{replicas}}}}},"selector":{"matchLabels":{"app":"{{{{{app}}}}}"}},
           "template":{"metadata":{"labels":{"app":"{{{{{app}}}}}"}},"spec":{"containers":[{"name":"app","image":"{{{{{image}}}}}"}]}}}}
        """);

    internal static JsonObject Job(string ns, string name, string image, bool force = false, string annotations = "{}")
    {
        var job = Obj($$$$$"""
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"{{{{{name}}}}}","namespace":"{{{{{ns}}}}}","annotations":{{{{{annotations}}}}}},
             "spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"job","image":"{{{{{image}}}}}"}]}}}}
            """);
        if (force)
        {
            job["metadata"]!["annotations"]!["kustomize.toolkit.fluxcd.io/force"] = "enabled";
        }

        return job;
    }
}
