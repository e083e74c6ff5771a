using System.Security.Cryptography;
using System.Text;
using FluxSharp.Api;
using FluxSharp.Api.Notification.V1;
using FluxSharp.Controllers.Tests.Infrastructure;
using k8s;
using k8s.Models;

namespace FluxSharp.Controllers.Tests.Notification;

/// <summary>
/// Receivers over HTTP on 127.0.0.1, each type with real signatures and tokens: the accepted call sets
/// requestedAt on the resource (200), the rejected one is answered as Flux answers it and changes nothing.
/// </summary>
#pragma warning disable CA5350 // GitHub's legacy X-Hub-Signature and Nexus sign with HMAC-SHA1.
public sealed class ReceiverWebhookTests : IClassFixture<ReceiverFixture>
{
    private const string Token = "s3cr3t-receiver-token";
    private readonly ReceiverFixture _f;

    public ReceiverWebhookTests(ReceiverFixture f) => _f = f;

    [Fact]
    public async Task ReadyReceiverPublishesFluxsWebhookPath()
    {
        var ns = await _f.NewNamespaceAsync();
        var receiver = await _f.ReadyReceiverAsync(ns, "hook", ReceiverTypes.Generic, Token, Repo());

        var expected = "/hook/" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Token + "hook" + ns)));
        Assert.Equal(expected, receiver.Status!.WebhookPath);
        var ready = ReceiverFixture.Ready(receiver)!;
        Assert.Equal(ConditionReasons.Succeeded, ready.Reason);
        Assert.Equal($"Receiver initialized for path: {expected}", ready.Message);
    }

    [Fact]
    public void WebhookPathIsTheOneFluxComputes()
    {
        // flux2 cmd/flux/testdata/create_secret/receiver/secret-receiver.yaml
        Assert.Equal("/hook/106120121d366c2f67e93200f6c1dbe938235eb588daa5e8c0516d3a77ac1dee", Receiver.WebhookPath("test-token", "receiver-secret", "my-namespace"));
    }

    [Fact]
    public async Task MissingTokenSecretMakesTheReceiverNotReadyWithoutAPath()
    {
        var ns = await _f.NewNamespaceAsync();
        await _f.CreateAsync(NewReceiver(ns, "nosecret", ReceiverTypes.Generic, "absent"));
        await _f.SecretAsync(ns, "notoken", new Dictionary<string, string> { ["other"] = Token });
        await _f.CreateAsync(NewReceiver(ns, "nokey", ReceiverTypes.Generic, "notoken"));

        var missing = await _f.WaitAsync(ns, "nosecret", r => ReceiverFixture.Ready(r) is { Status: "False", Reason: "TokenNotFound" }, "TokenNotFound");
        var noKey = await _f.WaitAsync(ns, "nokey", r => ReceiverFixture.Ready(r) is { Status: "False", Reason: "TokenNotFound" }, "TokenNotFound");

        Assert.Null(missing.Status!.WebhookPath);
        Assert.Contains($"{ns}/absent", ReceiverFixture.Ready(missing)!.Message, StringComparison.Ordinal);
        Assert.Contains("required fields 'token'", ReceiverFixture.Ready(noKey)!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, ReceiverFixture.Ready(noKey)!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenericCallSetsRequestedAtOnTheResource()
    {
        var (ns, path) = await ReceiverAsync(ReceiverTypes.Generic);

        Assert.Equal(200, await _f.CallAsync(path, "{}"));

        Assert.NotNull(await RequestedAtAsync(ns));
    }

    [Fact]
    public async Task UnknownPathIs404()
    {
        Assert.Equal(404, await _f.CallAsync("/hook/" + new string('0', 64), "{}"));
        Assert.Equal(404, await _f.CallAsync("/elsewhere", "{}"));
    }

    [Fact]
    public async Task SuspendedReceiverAnswers503AndChangesNothing()
    {
        var (ns, path) = await ReceiverAsync(ReceiverTypes.Generic);
        await _f.PatchAsync(ns, "hook", """{"spec":{"suspend":true}}""");
        await _f.WaitAsync(ns, "hook", r => r.Spec.Suspend == true, "suspended");

        Assert.Equal(503, await _f.CallAsync(path, "{}"));
        Assert.Null(await RequestedAtAsync(ns));
    }

    [Fact]
    public async Task OversizedBodyIs413()
    {
        var (ns, path) = await ReceiverAsync(ReceiverTypes.Generic);

        Assert.Equal(413, await _f.CallAsync(path, new string(' ', (3 * 1024 * 1024) + 1)));
        Assert.Null(await RequestedAtAsync(ns));
    }

    [Fact]
    public async Task GenericHmacAcceptsTheXSignatureAndRejectsAForgedOne()
    {
        var (ns, path) = await ReceiverAsync(ReceiverTypes.GenericHmac);
        const string Body = """{"image":"ghcr.io/org/app:v1.0.0"}""";

        Assert.Equal(400, await _f.CallAsync(path, Body, new Dictionary<string, string> { ["X-Signature"] = ReceiverFixture.Sign(Body, "wrong-token") }));
        Assert.Equal(400, await _f.CallAsync(path, Body));
        Assert.Equal(400, await _f.CallAsync(path, Body + " ", new Dictionary<string, string> { ["X-Signature"] = ReceiverFixture.Sign(Body, Token) }));
        Assert.Null(await RequestedAtAsync(ns));

        Assert.Equal(200, await _f.CallAsync(path, Body, new Dictionary<string, string> { ["X-Signature"] = ReceiverFixture.Sign(Body, Token) }));
        Assert.NotNull(await RequestedAtAsync(ns));
    }

    [Fact]
    public async Task GitHubChecksTheHubSignatureAndTheEventFilter()
    {
        var (ns, path) = await ReceiverAsync(ReceiverTypes.GitHub, events: ["ping", "push"]);
        const string Body = """{"ref":"refs/heads/main"}""";
        var sha1 = "sha1=" + Convert.ToHexStringLower(HMACSHA1.HashData(Encoding.UTF8.GetBytes(Token), Encoding.UTF8.GetBytes(Body)));

        Assert.Equal(400, await _f.CallAsync(path, Body, GitHub("push", ReceiverFixture.Sign(Body, "wrong"))));
        Assert.Equal(400, await _f.CallAsync(path, Body, new Dictionary<string, string> { ["X-GitHub-Event"] = "push" }));
        Assert.Equal(400, await _f.CallAsync(path, Body, GitHub("issues", ReceiverFixture.Sign(Body, Token))));
        Assert.Equal(400, await _f.CallAsync(path, Body, GitHub("push", ReceiverFixture.Sign(Body, Token)), contentType: "text/plain"));
        Assert.Null(await RequestedAtAsync(ns));

        Assert.Equal(200, await _f.CallAsync(path, """{"zen":"Keep it logically awesome."}""", GitHub("ping", ReceiverFixture.Sign("""{"zen":"Keep it logically awesome."}""", Token))));
        Assert.Equal(200, await _f.CallAsync(path, Body, GitHub("push", ReceiverFixture.Sign(Body, Token))));
        Assert.Equal(200, await _f.CallAsync(path, Body, new Dictionary<string, string> { ["X-GitHub-Event"] = "push", ["X-Hub-Signature"] = sha1 }));
        var form = "payload=" + Uri.EscapeDataString(Body);
        Assert.Equal(200, await _f.CallAsync(path, form, GitHub("push", ReceiverFixture.Sign(form, Token)), contentType: "application/x-www-form-urlencoded"));
        Assert.NotNull(await RequestedAtAsync(ns));
    }

    [Fact]
    public async Task GitLabChecksTheTokenHeaderAndTheEventFilter()
    {
        var (ns, path) = await ReceiverAsync(ReceiverTypes.GitLab, events: ["Push Hook"]);

        Assert.Equal(400, await _f.CallAsync(path, "{}", new Dictionary<string, string> { ["X-Gitlab-Token"] = "wrong", ["X-Gitlab-Event"] = "Push Hook" }));
        Assert.Equal(400, await _f.CallAsync(path, "{}", new Dictionary<string, string> { ["X-Gitlab-Token"] = Token, ["X-Gitlab-Event"] = "Tag Push Hook" }));
        Assert.Null(await RequestedAtAsync(ns));

        Assert.Equal(200, await _f.CallAsync(path, "{}", new Dictionary<string, string> { ["X-Gitlab-Token"] = Token, ["X-Gitlab-Event"] = "push hook" }));
        Assert.NotNull(await RequestedAtAsync(ns));
    }

    [Fact]
    public async Task BitbucketChecksTheHubSignatureAndTheEventKey()
    {
        var (ns, path) = await ReceiverAsync(ReceiverTypes.Bitbucket, events: ["repo:refs_changed"]);
        const string Body = """{"eventKey":"repo:refs_changed"}""";

        Assert.Equal(400, await _f.CallAsync(path, Body, new Dictionary<string, string> { ["X-Event-Key"] = "repo:refs_changed", ["X-Hub-Signature"] = ReceiverFixture.Sign(Body, "wrong") }));
        Assert.Equal(400, await _f.CallAsync(path, Body, new Dictionary<string, string> { ["X-Event-Key"] = "pr:opened", ["X-Hub-Signature"] = ReceiverFixture.Sign(Body, Token) }));
        Assert.Null(await RequestedAtAsync(ns));

        Assert.Equal(200, await _f.CallAsync(path, Body, new Dictionary<string, string> { ["X-Event-Key"] = "repo:refs_changed", ["X-Hub-Signature"] = ReceiverFixture.Sign(Body, Token) }));
        Assert.NotNull(await RequestedAtAsync(ns));
    }

    [Fact]
    public async Task HarborChecksTheAuthorizationHeader()
    {
        var (ns, path) = await ReceiverAsync(ReceiverTypes.Harbor);

        Assert.Equal(400, await _f.CallAsync(path, "{}", new Dictionary<string, string> { ["Authorization"] = "Bearer " + Token }));
        Assert.Null(await RequestedAtAsync(ns));

        Assert.Equal(200, await _f.CallAsync(path, "{}", new Dictionary<string, string> { ["Authorization"] = Token }));
        Assert.NotNull(await RequestedAtAsync(ns));
    }

    [Fact]
    public async Task NexusChecksTheHmacSha1Signature()
    {
        var (ns, path) = await ReceiverAsync(ReceiverTypes.Nexus);
        const string Body = """{"action":"CREATED","repositoryName":"docker-hosted"}""";
        var signature = Convert.ToHexStringLower(HMACSHA1.HashData(Encoding.UTF8.GetBytes(Token), Encoding.UTF8.GetBytes(Body)));

        Assert.Equal(400, await _f.CallAsync(path, Body));
        Assert.Equal(400, await _f.CallAsync(path, Body, new Dictionary<string, string> { ["X-Nexus-Webhook-Signature"] = new string('a', 40) }));
        Assert.Null(await RequestedAtAsync(ns));

        Assert.Equal(200, await _f.CallAsync(path, Body, new Dictionary<string, string> { ["X-Nexus-Webhook-Signature"] = signature }));
        Assert.NotNull(await RequestedAtAsync(ns));
    }

    [Theory]
    [InlineData(ReceiverTypes.DockerHub, """{"push_data":{"tag":"v1"},"repository":{"repo_url":"https://hub.docker.com/r/org/app"}}""")]
    [InlineData(ReceiverTypes.Quay, """{"docker_url":"quay.io/org/app","updated_tags":["v1"]}""")]
    [InlineData(ReceiverTypes.Acr, """{"action":"push","target":{"repository":"app","tag":"v1"}}""")]
    public async Task RegistryReceiversWantTheirJsonPayload(string type, string payload)
    {
        var (ns, path) = await ReceiverAsync(type);

        Assert.Equal(400, await _f.CallAsync(path, "not json"));
        Assert.Null(await RequestedAtAsync(ns));

        Assert.Equal(200, await _f.CallAsync(path, payload));
        Assert.NotNull(await RequestedAtAsync(ns));
    }

    [Fact]
    public async Task CdEventsReceiverValidatesTheEventAndFiltersOnCeType()
    {
        var (ns, path) = await ReceiverAsync(ReceiverTypes.CdEvents, events: ["dev.cdevents.artifact.published.0.1.1"]);
        const string Event = """
            {"context":{"version":"0.4.1","id":"271069a8","source":"/ci","type":"dev.cdevents.artifact.published.0.1.1","timestamp":"2024-01-01T00:00:00Z"},
             "subject":{"id":"pkg:oci/app@sha256:0a","content":{}}}
            """;

        Assert.Equal(400, await _f.CallAsync(path, """{"context":{"id":"x"}}""", new Dictionary<string, string> { ["Ce-Type"] = "dev.cdevents.artifact.published.0.1.1" }));
        Assert.Equal(400, await _f.CallAsync(path, Event, new Dictionary<string, string> { ["Ce-Type"] = "dev.cdevents.build.started.0.1.1" }));
        Assert.Null(await RequestedAtAsync(ns));

        Assert.Equal(200, await _f.CallAsync(path, Event, new Dictionary<string, string> { ["Ce-Type"] = "dev.cdevents.artifact.published.0.1.1" }));
        Assert.NotNull(await RequestedAtAsync(ns));
    }

    [Fact]
    public async Task GcrReceiverStallsAsNotSupportedAndAnswers503()
    {
        var ns = await _f.NewNamespaceAsync();
        await _f.SecretAsync(ns, "gcr", new Dictionary<string, string> { ["token"] = Token, ["email"] = "sa@p.iam.gserviceaccount.com", ["audience"] = "a" });
        await _f.CreateAsync(NewReceiver(ns, "gcr", ReceiverTypes.Gcr, "gcr"));

        var stalled = await _f.WaitAsync(ns, "gcr", r => ReceiverFixture.Ready(r) is { Status: "False" } c && c.Reason == "UnsupportedType", "UnsupportedType");

        Assert.Contains("not supported by FluxSharp", ReceiverFixture.Ready(stalled)!.Message, StringComparison.Ordinal);
        Assert.Null(stalled.Status!.WebhookPath);
        Assert.Equal(404, await _f.CallAsync(Receiver.WebhookPath(Token, "gcr", ns), "{}"));
    }

    [Fact]
    public async Task WildcardWithMatchLabelsAndResourceFilterPickTheResources()
    {
        var ns = await _f.NewNamespaceAsync();
        await _f.RepositoryAsync(ns, "app-a", "file:///nonexistent/a", new Dictionary<string, string> { ["team"] = "x" });
        await _f.RepositoryAsync(ns, "app-b", "file:///nonexistent/b", new Dictionary<string, string> { ["team"] = "x" });
        await _f.RepositoryAsync(ns, "other", "file:///nonexistent/c", new Dictionary<string, string> { ["team"] = "y" });
        var receiver = await _f.ReadyReceiverAsync(
            ns,
            "hook",
            ReceiverTypes.Generic,
            Token,
            [new ReceiverResource { Kind = "GitRepository", Name = "*", MatchLabels = new Dictionary<string, string> { ["team"] = "x" } }],
            resourceFilter: "res.metadata.name == req.target");

        Assert.Equal(200, await _f.CallAsync(receiver.Status!.WebhookPath!, """{"target":"app-b"}"""));

        Assert.Null(await _f.RequestedAtAsync(_f.Repos, ns, "app-a"));
        Assert.NotNull(await _f.RequestedAtAsync(_f.Repos, ns, "app-b"));
        Assert.Null(await _f.RequestedAtAsync(_f.Repos, ns, "other"));
    }

    [Fact]
    public async Task InvalidResourceFilterStallsTheReceiver()
    {
        var ns = await _f.NewNamespaceAsync();
        await _f.SecretAsync(ns, "token", new Dictionary<string, string> { ["token"] = Token });
        await _f.CreateAsync(NewReceiver(ns, "bad", ReceiverTypes.Generic, "token") with { Spec = NewReceiver(ns, "bad", ReceiverTypes.Generic, "token").Spec with { ResourceFilter = "res.metadata.name ==" } });

        var stalled = await _f.WaitAsync(ns, "bad", r => ReceiverFixture.Ready(r) is { Status: "False" } c && c.Reason == ConditionReasons.InvalidCelExpression, "InvalidCELExpression");

        Assert.StartsWith("Reconciliation failed terminally due to configuration error: invalid resourceFilter expression", ReceiverFixture.Ready(stalled)!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KustomizationWithoutApiVersionFailsAsInFluxAndWithItIsAnnotated()
    {
        var ns = await _f.NewNamespaceAsync();
        var without = await _f.ReadyReceiverAsync(ns, "without", ReceiverTypes.Generic, Token, [new ReceiverResource { Kind = "Kustomization", Name = "app" }]);
        var with = await _f.ReadyReceiverAsync(ns, "with", ReceiverTypes.Generic, Token, [new ReceiverResource { ApiVersion = "kustomize.toolkit.fluxcd.io/v1", Kind = "Kustomization", Name = "app" }]);
        await _f.Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            System.Text.Json.Nodes.JsonNode.Parse("""{"apiVersion":"kustomize.toolkit.fluxcd.io/v1","kind":"Kustomization","metadata":{"name":"app"},"spec":{"interval":"24h","prune":false,"suspend":true,"sourceRef":{"kind":"GitRepository","name":"none"}}}"""),
            "kustomize.toolkit.fluxcd.io",
            "v1",
            ns,
            "kustomizations");
        var kustomizations = new FluxSharp.Kubernetes.Client.ResourceClient(_f.Client, FluxResources.Kustomizations);

        Assert.Equal(500, await _f.CallAsync(without.Status!.WebhookPath!, "{}"));
        Assert.Null(await _f.RequestedAtAsync(kustomizations, ns, "app"));
        Assert.Equal(200, await _f.CallAsync(with.Status!.WebhookPath!, "{}"));
        Assert.NotNull(await _f.RequestedAtAsync(kustomizations, ns, "app"));
    }

    private static Dictionary<string, string> GitHub(string @event, string signature) => new()
    {
        ["X-GitHub-Event"] = @event,
        ["X-Hub-Signature-256"] = signature,
    };

    private static List<ReceiverResource> Repo() => [new ReceiverResource { Kind = "GitRepository", Name = "repo" }];

    private static Receiver NewReceiver(string ns, string name, string type, string secret) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new ReceiverSpec { Type = type, Resources = Repo(), SecretRef = new LocalObjectReference { Name = secret } },
    };

    /// <summary>A namespace with a GitRepository "repo" (never fetched: its URL does not exist) and a Ready Receiver "hook" of the type.</summary>
    private async Task<(string Ns, string Path)> ReceiverAsync(string type, IList<string>? events = null)
    {
        var ns = await _f.NewNamespaceAsync();
        await _f.RepositoryAsync(ns, "repo", "file:///nonexistent/repo");
        var receiver = await _f.ReadyReceiverAsync(ns, "hook", type, Token, Repo(), events);
        return (ns, receiver.Status!.WebhookPath!);
    }

    private Task<string?> RequestedAtAsync(string ns) => _f.RequestedAtAsync(_f.Repos, ns, "repo");
}
#pragma warning restore CA5350
