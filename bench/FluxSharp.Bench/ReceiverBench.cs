using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using FluxSharp.Api;
using FluxSharp.Controllers.Kustomize;
using FluxSharp.Controllers.Notification.Receivers;
using FluxSharp.Controllers.Source;
using FluxSharp.Kubernetes.Client;
using FluxSharp.LocalCluster;
using FluxSharp.Manager;
using FluxSharp.Testing.Git;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace FluxSharp.Bench;

/// <summary>
/// Webhook call → change applied: a GitRepository and a Kustomization with 24h intervals, a github Receiver on the
/// GitRepository. Each round pushes a commit changing a ConfigMap, then either POSTs a signed push event to the
/// receiver server or sets reconcile.fluxcd.io/requestedAt on the GitRepository (what `fluxsharp reconcile source git`
/// does), and times until the ConfigMap in the cluster has the new value. Rounds alternate; medians and p90.
/// </summary>
internal static class ReceiverBench
{
    private const string Token = "bench-token";

    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 15;
        var load = BenchSupport.LoadAverage();
        using var tmp = new TempDirectory("fluxsharp-bench-receiver");
        var repo = await GitRepositoryBuilder.CreateAsync(tmp.Sub("srv"), "bench", "main");
        repo.WriteFile("app/cm.yaml", ConfigMap("v0"));
        await repo.CommitAndPushAsync("v0");

        await using var plane = await LocalControlPlane.StartAsync(new LocalControlPlaneOptions());
        var kubeconfig = tmp.Sub("kubeconfig");
        await plane.WriteKubeconfigAsync(kubeconfig);
        using var kube = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        await CrdInstaller.ApplyAsync(kube, FluxApi.Crds(), "bench");
        await kube.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "flux-system" } });
        await using var manager = await FluxManager.StartAsync(
            new ManagerOptions { StoragePath = tmp.Sub("artifacts"), StorageAddress = "127.0.0.1:0", MetricsAddress = "127.0.0.1:0", ReceiverAddress = "127.0.0.1:0" },
            [new SourceControllerModule(), new KustomizeControllerModule(), new ReceiverControllerModule()],
            NullLoggerFactory.Instance,
            kube);

        await CreateAsync(kube, "source.toolkit.fluxcd.io", "gitrepositories", "GitRepository", "bench", new JsonObject { ["interval"] = "24h", ["url"] = repo.FileUrl, ["ref"] = new JsonObject { ["branch"] = "main" } });
        await CreateAsync(kube, "kustomize.toolkit.fluxcd.io", "kustomizations", "Kustomization", "bench", new JsonObject { ["interval"] = "24h", ["path"] = "./app", ["prune"] = true, ["sourceRef"] = new JsonObject { ["kind"] = "GitRepository", ["name"] = "bench" } });
        await kube.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "token" }, StringData = new Dictionary<string, string> { ["token"] = Token } }, "flux-system");
        await CreateAsync(kube, "notification.toolkit.fluxcd.io", "receivers", "Receiver", "github", new JsonObject
        {
            ["type"] = "github",
            ["events"] = new JsonArray("push"),
            ["secretRef"] = new JsonObject { ["name"] = "token" },
            ["resources"] = new JsonArray(new JsonObject { ["kind"] = "GitRepository", ["name"] = "bench" }),
        });
        await WaitValueAsync(kube, "v0");
        var receivers = new ResourceClient(kube, FluxResources.Receivers);
        string? path = null;
        while (path is null)
        {
            path = (string?)(await receivers.GetAsync("flux-system", "github", CancellationToken.None))?["status"]?["webhookPath"];
            await Task.Delay(50);
        }

        using var http = new HttpClient();
        var repos = new ResourceClient(kube, FluxResources.GitRepositories);
        var webhook = new List<double>();
        var answer = new List<double>();
        var reconcile = new List<double>();
        for (var i = 1; i <= 2 * rounds; i++)
        {
            var value = $"v{i}";
            repo.WriteFile("app/cm.yaml", ConfigMap(value));
            await repo.CommitAndPushAsync(value);
            var clock = Stopwatch.StartNew();
            if (i % 2 == 1)
            {
                var body = $$"""{"ref":"refs/heads/main","after":"{{value}}"}""";
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(manager.ReceiverUrl!, path)) { Content = new StringContent(body, Encoding.UTF8) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.Add("X-GitHub-Event", "push");
                request.Headers.Add("X-Hub-Signature-256", HubSignature.Sha256(Encoding.UTF8.GetBytes(body), Encoding.UTF8.GetBytes(Token)));
                using var response = await http.SendAsync(request);
                response.EnsureSuccessStatusCode();
                answer.Add(clock.Elapsed.TotalMilliseconds);
                await WaitValueAsync(kube, value);
                webhook.Add(clock.Elapsed.TotalMilliseconds);
            }
            else
            {
                var patch = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [FluxAnnotations.ReconcileRequestedAt] = value } } };
                await repos.MergePatchAsync("flux-system", "bench", patch, status: false, "flux-client-side-action", CancellationToken.None);
                await WaitValueAsync(kube, value);
                reconcile.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        var report = new StringBuilder();
        report.AppendLine("# Receiver benchmark: webhook call → change applied").AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores, one process holding the local control plane and the manager (source, kustomize, receiver); GitRepository and Kustomization intervals 24h; {rounds} rounds each, alternating; load average before: {load}.").AppendLine();
        report.AppendLine("Each round pushes a commit changing a ConfigMap, then triggers; the time runs until the ConfigMap in the cluster has the new value (polled every 20 ms).").AppendLine();
        report.AppendLine("| trigger | p50 | p90 | ratio (p50) |");
        report.AppendLine("|---|---:|---:|---:|");
        report.AppendLine(CultureInfo.InvariantCulture, $"| requestedAt on the GitRepository (`fluxsharp reconcile source git`'s patch), the raw trigger | {BenchSupport.Ms(BenchSupport.Median(reconcile))} ms | {BenchSupport.Ms(P90(reconcile))} ms | 1.00 |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| GitHub push webhook (X-Hub-Signature-256) to the receiver server | {BenchSupport.Ms(BenchSupport.Median(webhook))} ms | {BenchSupport.Ms(P90(webhook))} ms | {BenchSupport.Median(webhook) / BenchSupport.Median(reconcile):F2} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| of which the webhook's HTTP answer (verify, find the Receiver, annotate) | {BenchSupport.Ms(BenchSupport.Median(answer))} ms | {BenchSupport.Ms(P90(answer))} ms | |");
        var outPath = Path.Combine(BenchSupport.ResultsDir(), "receiver.md");
        await File.WriteAllTextAsync(outPath, report.ToString());
        Console.WriteLine(report);
        Console.WriteLine($"written to {outPath}");
        return 0;
    }

    private static double P90(List<double> xs)
    {
        var s = xs.Order().ToList();
        return s[Math.Min(s.Count - 1, (int)Math.Ceiling(0.9 * s.Count) - 1)];
    }

    private static string ConfigMap(string value) => $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: flux-system\ndata:\n  k: {value}\n";

    private static async Task WaitValueAsync(IKubernetes kube, string value)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            try
            {
                var cm = await kube.CoreV1.ReadNamespacedConfigMapAsync("cm", "flux-system");
                if (cm.Data?["k"] == value)
                {
                    return;
                }
            }
            catch (k8s.Autorest.HttpOperationException)
            {
                // Not applied yet.
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"ConfigMap never got {value}");
    }

    private static async Task CreateAsync(IKubernetes kube, string group, string plural, string kind, string name, JsonObject spec)
    {
        const string version = "v1";
        var body = new JsonObject
        {
            ["apiVersion"] = $"{group}/{version}",
            ["kind"] = kind,
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "flux-system" },
            ["spec"] = spec,
        };
        await kube.CustomObjects.CreateNamespacedCustomObjectAsync(body, group, version, "flux-system", plural);
    }
}
