using System.Diagnostics;
using System.Text.Json.Nodes;
using FluxSharp.Api.Kustomize.V1;
using FluxSharp.Api.Notification.V1;
using FluxSharp.Controllers.Tests.Infrastructure;
using FluxSharp.Kubernetes.Client;
using FluxSharp.Testing;
using k8s;
using k8s.Models;

namespace FluxSharp.Controllers.Tests.Notification;

/// <summary>A git push plus a GitHub push webhook: the change is applied at once, although every interval is 24h.</summary>
public sealed class ReceiverEndToEndTests : IClassFixture<ReceiverFixture>
{
    private readonly ReceiverFixture _f;

    public ReceiverEndToEndTests(ReceiverFixture f) => _f = f;

    [Fact]
    public async Task GitHubPushWebhookAppliesTheNewCommitWithinSecondsDespiteDailyIntervals()
    {
        var ns = await _f.NewNamespaceAsync();
        var git = await _f.NewGitAsync();
        await git.CommitAndPushAsync("init", new Dictionary<string, string> { ["app/cm.yaml"] = ConfigMap(ns, "v1") });
        await _f.RepositoryAsync(ns, "repo", git.FileUrl);
        var ks = new Kustomization
        {
            Metadata = new V1ObjectMeta { Name = "app", NamespaceProperty = ns },
            Spec = new KustomizationSpec
            {
                SourceRef = new CrossNamespaceSourceReference { Kind = "GitRepository", Name = "repo" },
                Path = "./app",
                Interval = "24h",
                Prune = true,
            },
        };
        await _f.Client.CustomObjects.CreateNamespacedCustomObjectAsync(JsonNode.Parse(KubernetesJson.Serialize(ks)), KustomizeGroup.Name, KustomizeGroup.Version, ns, Kustomization.Plural);
        await WaitValueAsync(ns, "v1", ReceiverFixture.DefaultTimeout);
        const string Token = "e2e-webhook-token";
        var receiver = await _f.ReadyReceiverAsync(ns, "github", ReceiverTypes.GitHub, Token, [new ReceiverResource { Kind = "GitRepository", Name = "repo" }], events: ["ping", "push"]);

        await git.CommitAndPushAsync("v2", new Dictionary<string, string> { ["app/cm.yaml"] = ConfigMap(ns, "v2") });
        const string Push = """{"ref":"refs/heads/main","repository":{"full_name":"org/app"}}""";
        var clock = Stopwatch.StartNew();
        var status = await _f.CallAsync(receiver.Status!.WebhookPath!, Push, new Dictionary<string, string>
        {
            ["X-GitHub-Event"] = "push",
            ["X-GitHub-Delivery"] = Guid.NewGuid().ToString(),
            ["X-Hub-Signature-256"] = ReceiverFixture.Sign(Push, Token),
        });

        Assert.Equal(200, status);
        await WaitValueAsync(ns, "v2", TimeSpan.FromSeconds(15));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"applied after {clock.Elapsed}");
    }

    private Task WaitValueAsync(string ns, string value, TimeSpan timeout) =>
        Eventually.WaitAsync(
            async () =>
            {
                try
                {
                    return (await KubeApiException.CallAsync(() => _f.Client.CoreV1.ReadNamespacedConfigMapAsync("cm", ns))).Data?["k"];
                }
                catch (KubeApiException e) when (e.IsNotFound)
                {
                    return null;
                }
            },
            v => v == value,
            timeout,
            $"ConfigMap {ns}/cm k={value}");

    private static string ConfigMap(string ns, string value) => $"""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: cm
          namespace: {ns}
        data:
          k: {value}

        """;
}
