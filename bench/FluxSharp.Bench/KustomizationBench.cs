using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using FluxSharp.Api;
using FluxSharp.Controllers.Kustomize;
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
/// The scenario of Flux's published benchmark (fluxcd/flux-benchmark): N Kustomizations, each applying a Deployment
/// scaled to zero, a ServiceAccount, a Service and an Ingress into its own namespace; time until all are Ready and
/// the process's peak memory (this process holds the local control plane too). Also: a steady-state cycle where
/// nothing changed (requestedAt on all, until all handled), and objects applied per second compared with raw API
/// creates of the same objects against the same control plane.
/// </summary>
internal static class KustomizationBench
{
    private const string App = """
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: app
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: app
        spec:
          replicas: 0
          selector:
            matchLabels: {app: app}
          template:
            metadata:
              labels: {app: app}
            spec:
              serviceAccountName: app
              containers:
                - name: app
                  image: ghcr.io/stefanprodan/podinfo:6.7.1
                  ports: [{containerPort: 9898, name: http}]
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: app
        spec:
          selector: {app: app}
          ports: [{name: http, port: 80, targetPort: http}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: app
        spec:
          rules:
            - host: app.example.com
              http:
                paths:
                  - path: /
                    pathType: Prefix
                    backend: {service: {name: app, port: {number: 80}}}
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var sizes = args.Length > 0 ? args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [100, 500, 1000];
        var report = new StringBuilder();
        report.AppendLine("# Kustomization controller benchmark (flux-benchmark scenario)").AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores, concurrency 20, one process holding the local control plane and the manager; load average before: {File.ReadAllText("/proc/loadavg").Split(' ')[0]}.").AppendLine();
        report.AppendLine("| Kustomizations | time to all Ready | peak memory (process) | no-change cycle (all) | objects applied/s | raw creates/s | ratio |");
        report.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var n in sizes)
        {
            var row = await RunOnceAsync(n);
            report.AppendLine(row);
            Console.WriteLine(row);
        }

        report.AppendLine().AppendLine("Flux's published figures for kustomize-controller (2 CPU, concurrency 20, kind): 100 → 27 s / 32 MiB, 500 → 2 m 4 s / 122 MiB, 1,000 → 4 m 15 s / 175 MiB (its memory excludes the API server).");
        var outPath = Path.Combine(BenchSupport.RepoRoot(), "bench", "results", "kustomization.md");
        await File.WriteAllTextAsync(outPath, report.ToString());
        Console.WriteLine(report);
        return 0;
    }

    private static async Task<string> RunOnceAsync(int n)
    {
        using var tmp = new TempDirectory("fluxsharp-bench-ks");
        var repo = await GitRepositoryBuilder.CreateAsync(tmp.Sub("srv"), "bench", "main");
        repo.WriteFile("app/app.yaml", App);
        await repo.CommitAndPushAsync("app");

        await using var plane = await LocalControlPlane.StartAsync(new LocalControlPlaneOptions());
        var kubeconfig = tmp.Sub("kubeconfig");
        await plane.WriteKubeconfigAsync(kubeconfig);
        using var kube = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        await CrdInstaller.ApplyAsync(kube, FluxApi.Crds(), "bench");

        for (var i = 0; i < n; i++)
        {
            await kube.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = $"bench-{i}" } });
        }

        await kube.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "flux-system" } });
        await using var manager = await FluxManager.StartAsync(
            new ManagerOptions { Concurrency = 20, StoragePath = tmp.Sub("artifacts"), StorageAddress = "127.0.0.1:0", MetricsAddress = "127.0.0.1:0", AllowFileUrls = true },
            [new SourceControllerModule(), new KustomizeControllerModule()],
            NullLoggerFactory.Instance,
            kube);
        await CreateAsync(kube, "source.toolkit.fluxcd.io", "gitrepositories", "GitRepository", "bench", new JsonObject { ["interval"] = "1h", ["url"] = repo.FileUrl, ["ref"] = new JsonObject { ["branch"] = "main" } });

        using var sampler = new PeakMemory();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < n; i++)
        {
            await CreateAsync(kube, "kustomize.toolkit.fluxcd.io", "kustomizations", "Kustomization", $"app-{i}", new JsonObject
            {
                ["interval"] = "1h",
                ["path"] = "./app",
                ["prune"] = true,
                ["targetNamespace"] = $"bench-{i}",
                ["sourceRef"] = new JsonObject { ["kind"] = "GitRepository", ["name"] = "bench" },
            });
        }

        await WaitAllAsync(kube, n, ks => (string?)ks["status"]?["conditions"]?.AsArray().FirstOrDefault(c => (string?)c?["type"] == "Ready")?["status"] == "True");
        var toReady = watch.Elapsed;

        // Steady state: every Kustomization asked to reconcile once more with nothing changed.
        watch.Restart();
        for (var i = 0; i < n; i++)
        {
            var patch = new V1Patch("{\"metadata\":{\"annotations\":{\"reconcile.fluxcd.io/requestedAt\":\"cycle\"}}}", V1Patch.PatchType.MergePatch);
            await kube.CustomObjects.PatchNamespacedCustomObjectAsync(patch, "kustomize.toolkit.fluxcd.io", "v1", "flux-system", "kustomizations", $"app-{i}");
        }

        await WaitAllAsync(kube, n, ks => (string?)ks["status"]?["lastHandledReconcileAt"] == "cycle");
        var cycle = watch.Elapsed;

        // Raw: the same 4 objects per namespace created straight through the API.
        using var rawHttp = plane.CreateHttpClient();
        watch.Restart();
        for (var i = 0; i < n; i++)
        {
            var ns = $"raw-{i}";
            await kube.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
            foreach (var doc in App.Split("---"))
            {
                var obj = (JsonObject)JsonNode.Parse(ToJson(doc))!;
                var kind = (string)obj["kind"]!;
                var (group, version, plural) = kind switch
                {
                    "ServiceAccount" => (string.Empty, "v1", "serviceaccounts"),
                    "Deployment" => ("apps", "v1", "deployments"),
                    "Service" => (string.Empty, "v1", "services"),
                    _ => ("networking.k8s.io", "v1", "ingresses"),
                };
                var path = group.Length == 0 ? $"api/{version}/namespaces/{ns}/{plural}" : $"apis/{group}/{version}/namespaces/{ns}/{plural}";
                using var content = new StringContent(obj.ToJsonString(), Encoding.UTF8, "application/json");
                using var response = await rawHttp.PostAsync(new Uri(path, UriKind.Relative), content);
                response.EnsureSuccessStatusCode();
            }
        }

        var raw = watch.Elapsed;
        var objects = 4.0 * n;
        var appliedPerSecond = objects / toReady.TotalSeconds;
        var rawPerSecond = objects / raw.TotalSeconds;
        return string.Create(CultureInfo.InvariantCulture, $"| {n} | {toReady.TotalSeconds:F1} s | {sampler.PeakMiB:F0} MiB | {cycle.TotalSeconds:F1} s | {appliedPerSecond:F0} | {rawPerSecond:F0} | {rawPerSecond / appliedPerSecond:F1}x slower |");
    }

    /// <summary>The YAML documents above are simple enough to read with the build's own YAML reader.</summary>
    private static string ToJson(string yaml) => FluxSharp.Formats.YamlJson.ParseObjects(yaml)[0].ToJsonString();

    private static async Task CreateAsync(IKubernetes kube, string group, string plural, string kind, string name, JsonObject spec)
    {
        var body = new JsonObject
        {
            ["apiVersion"] = group + "/v1",
            ["kind"] = kind,
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "flux-system" },
            ["spec"] = spec,
        };
        await kube.CustomObjects.CreateNamespacedCustomObjectAsync(body, group, "v1", "flux-system", plural);
    }

    private static async Task WaitAllAsync(IKubernetes kube, int n, Func<JsonObject, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(15);
        while (DateTime.UtcNow < deadline)
        {
            var list = (System.Text.Json.JsonElement)await kube.CustomObjects.ListNamespacedCustomObjectAsync("kustomize.toolkit.fluxcd.io", "v1", "flux-system", "kustomizations");
            var items = (JsonNode.Parse(list.GetRawText())!["items"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            if (items.Count == n && items.All(done))
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("not all Kustomizations got there in 15 minutes");
    }

    /// <summary>Samples this process's working set every 100 ms and keeps the peak.</summary>
    private sealed class PeakMemory : IDisposable
    {
        private readonly Timer _timer;
        private long _peak;

        public PeakMemory()
        {
            _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(100));
        }

        public double PeakMiB
        {
            get
            {
                Sample();
                return Interlocked.Read(ref _peak) / (1024.0 * 1024.0);
            }
        }

        public void Dispose() => _timer.Dispose();

        private void Sample()
        {
            using var p = Process.GetCurrentProcess();
            var ws = p.WorkingSet64;
            long current;
            while (ws > (current = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, ws, current) != current)
            {
            }
        }
    }
}
