using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster;
using FluxSharp.LocalCluster.Api;
using k8s;
using k8s.Models;

namespace FluxSharp.Bench;

/// <summary>
/// Throughput and latency of the local control plane as seen by one KubernetesClient, relative to a raw
/// baseline measured in the same run (GET /version: the cost of one HTTP round trip through client and server).
/// </summary>
internal static class LocalClusterBench
{
    private sealed record Row(string Name, int Ops, double Seconds, string Note)
    {
        public double OpsPerSecond => Ops / Seconds;

        public double MicrosPerOp => Seconds * 1e6 / Ops;
    }

    public static async Task<string> RunAsync(bool quick)
    {
        var scale = quick ? 0.2 : 1.0;
        int N(int n) => Math.Max(10, (int)(n * scale));

        await using var plane = await LocalControlPlane.StartAsync(new LocalControlPlaneOptions { SimulateWorkloads = false, WatchHistorySize = 100_000 });
        using var kubeconfig = new MemoryStream(Encoding.UTF8.GetBytes(plane.Kubeconfig));
        using var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        var rows = new List<Row>();
        var total = Stopwatch.StartNew();

        foreach (var ns in new[] { "bench", "list100", "list1000", "apply", "watch" })
        {
            await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        }

        // Warm up JIT, connections and caches on every path measured.
        for (var i = 0; i < 200; i++)
        {
            await client.Version.GetCodeAsync();
            await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap($"warm-{i}"), "bench");
            await client.CoreV1.ReadNamespacedConfigMapAsync($"warm-{i}", "bench");
        }

        var baseline = await TimeAsync("GET /version (baseline)", N(3000), _ => client.Version.GetCodeAsync(), "raw request cost");
        rows.Add(baseline);
        rows.Add(await TimeAsync("create ConfigMap", N(2000), i => client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap($"cm-{i}"), "bench"), string.Empty));
        rows.Add(await TimeAsync("get ConfigMap", N(3000), i => client.CoreV1.ReadNamespacedConfigMapAsync($"cm-{i % N(2000)}", "bench"), string.Empty));

        for (var i = 0; i < 100; i++)
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap($"l-{i:D4}"), "list100");
        }

        for (var i = 0; i < 1000; i++)
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap($"l-{i:D4}"), "list1000");
        }

        rows.Add(await TimeAsync("list 100 ConfigMaps", N(500), _ => client.CoreV1.ListNamespacedConfigMapAsync("list100"), "per list"));
        rows.Add(await TimeAsync("list 1000 ConfigMaps", N(60), _ => client.CoreV1.ListNamespacedConfigMapAsync("list1000"), "per list"));

        // Server-side apply of a typical Deployment: each apply changes one annotation, so every one is a real write.
        var applyN = N(800);
        for (var i = 0; i < 100; i++)
        {
            await client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(Deployment("web", -100 + i), V1Patch.PatchType.ApplyPatch), "web", "apply", fieldManager: "bench", force: true);
        }
        var applyHttp = await TimeAsync("server-side apply Deployment (HTTP)", applyN, i => client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(Deployment("web", i + 1), V1Patch.PatchType.ApplyPatch), "web", "apply", fieldManager: "bench", force: true), "changes an annotation each time");
        rows.Add(applyHttp);
        var noop = await TimeAsync("server-side apply Deployment, no-op (HTTP)", applyN, _ => client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(Deployment("web", applyN), V1Patch.PatchType.ApplyPatch), "web", "apply", fieldManager: "bench", force: true), "same config again");
        rows.Add(noop);

        // The same applies straight into ResourceService: the server's own time per apply, no HTTP or client.
        var service = plane.Service;
        var deployments = service.Registry.Find("apps", "v1", "deployments")!;
        var ctx = new RequestContext { FieldManager = "bench", FieldValidation = FieldValidation.Warn };
        var applyInternal = Time("server-side apply Deployment (in-process ResourceService)", applyN, i =>
        {
            var config = JsonNode.Parse(KubernetesJson.Serialize(Deployment("web", applyN + 1 + i)))!;
            service.Patch(deployments, "apply", "web", PatchType.Apply, config, ctx, null, force: true);
        }, "server time per apply");
        rows.Add(applyInternal);

        var watchRows = new List<(int Watchers, int Events, double Seconds, double P50, double P99)>();
        foreach (var watchers in new[] { 10, 100 })
        {
            watchRows.Add(await WatchFanOutAsync(client, $"fan{watchers}", watchers, N(watchers == 10 ? 1000 : 300)));
        }

        return Format(rows, baseline, applyHttp, applyInternal, rows.First(r => r.Name == "create ConfigMap"), watchRows, total.Elapsed, quick);
    }

    private static async Task<(int, int, double, double, double)> WatchFanOutAsync(k8s.Kubernetes client, string ns, int watchers, int events)
    {
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        var rv = (await client.CoreV1.ListNamespacedConfigMapAsync(ns)).Metadata.ResourceVersion;
        var sent = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var latencies = new ConcurrentBag<double>();
        var ready = new CountdownEvent(watchers);
        var done = new CountdownEvent(watchers);
        long lastDelivery = 0;
        using var cts = new CancellationTokenSource();

        var tasks = Enumerable.Range(0, watchers).Select(_ => Task.Run(async () =>
        {
            var seen = 0;
            try
            {
                await foreach (var (type, cm) in client.CoreV1.WatchListNamespacedConfigMapAsync(ns, resourceVersion: rv, cancellationToken: cts.Token))
                {
                    var now = Stopwatch.GetTimestamp();
                    if (cm.Metadata.Name == "ready")
                    {
                        ready.Signal();
                        continue;
                    }

                    if (sent.TryGetValue(cm.Metadata.Name, out var at))
                    {
                        latencies.Add(Stopwatch.GetElapsedTime(at, now).TotalMilliseconds);
                    }

                    if (++seen == events)
                    {
                        InterlockedMax(ref lastDelivery, now);
                        done.Signal();
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (IOException)
            {
            }
        })).ToList();

        // Every watcher has seen the marker object, so all are streaming before the clock starts.
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("ready"), ns);
        if (!ready.Wait(TimeSpan.FromSeconds(60)))
        {
            throw new TimeoutException("watchers did not start");
        }

        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < events; i++)
        {
            var name = $"e-{i:D5}";
            sent[name] = Stopwatch.GetTimestamp();
            await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap(name), ns);
        }

        if (!done.Wait(TimeSpan.FromSeconds(60)))
        {
            throw new TimeoutException("watchers did not receive every event");
        }

        await cts.CancelAsync();
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(10));
        var seconds = Stopwatch.GetElapsedTime(start, Interlocked.Read(ref lastDelivery)).TotalSeconds;
        var sorted = latencies.Order().ToArray();
        return (watchers, events, seconds, Percentile(sorted, 0.50), Percentile(sorted, 0.99));
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static async Task<Row> TimeAsync<T>(string name, int n, Func<int, Task<T>> op, string note)
    {
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < n; i++)
        {
            await op(i);
        }

        return new Row(name, n, sw.Elapsed.TotalSeconds, note);
    }

    private static Row Time(string name, int n, Action<int> op, string note)
    {
        for (var i = 0; i < 50; i++)
        {
            op(-1 - i);
        }

        var sw = Stopwatch.StartNew();
        for (var i = 0; i < n; i++)
        {
            op(i);
        }

        return new Row(name, n, sw.Elapsed.TotalSeconds, note);
    }

    private static string Format(List<Row> rows, Row baseline, Row applyHttp, Row applyInternal, Row create, List<(int Watchers, int Events, double Seconds, double P50, double P99)> watch, TimeSpan total, bool quick)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("# Local control plane benchmark");
        sb.AppendLine();
        sb.AppendLine(c, $"`dotnet run -c Release --project bench/FluxSharp.Bench -- localcluster{(quick ? " --quick" : string.Empty)}` — one KubernetesClient {typeof(k8s.Kubernetes).Assembly.GetName().Version}, sequential requests over loopback HTTP/1.1, {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd}. Total run {total.TotalSeconds:F0} s.");
        sb.AppendLine();
        sb.AppendLine("Ratios are against the baseline measured in the same run (GET /version: one HTTP round trip through client and server with no storage work). Absolute numbers depend on the machine; the ratios are what to compare across runs.");
        sb.AppendLine();
        sb.AppendLine("| operation | ops | ops/s | µs/op | × baseline | note |");
        sb.AppendLine("|---|---:|---:|---:|---:|---|");
        foreach (var r in rows)
        {
            sb.AppendLine(c, $"| {r.Name} | {r.Ops} | {r.OpsPerSecond:F0} | {r.MicrosPerOp:F0} | {r.MicrosPerOp / baseline.MicrosPerOp:F2} | {r.Note} |");
        }

        sb.AppendLine();
        sb.AppendLine(c, $"- apply vs create (HTTP): {applyHttp.MicrosPerOp / create.MicrosPerOp:F2}× the time of a ConfigMap create");
        sb.AppendLine(c, $"- server share of an HTTP apply: {applyInternal.MicrosPerOp:F0} µs of {applyHttp.MicrosPerOp:F0} µs ({100 * applyInternal.MicrosPerOp / applyHttp.MicrosPerOp:F0}%); the rest is client serialization, HTTP and JSON parsing/writing");
        sb.AppendLine();
        sb.AppendLine("## Watch fan-out");
        sb.AppendLine();
        sb.AppendLine("N watchers on one namespace, M ConfigMap creates written sequentially; latency = create sent → event received by a watcher.");
        sb.AppendLine();
        sb.AppendLine("| watchers | events each | delivered | events/s delivered | p50 ms | p99 ms | p50 × baseline |");
        sb.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var w in watch)
        {
            sb.AppendLine(c, $"| {w.Watchers} | {w.Events} | {w.Watchers * w.Events} | {w.Watchers * w.Events / w.Seconds:F0} | {w.P50:F2} | {w.P99:F2} | {w.P50 * 1000 / baseline.MicrosPerOp:F1} |");
        }

        return sb.ToString();
    }

    private static V1ConfigMap ConfigMap(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = "bench" } },
        Data = new Dictionary<string, string> { ["key"] = "value", ["config.yaml"] = "a: 1\nb: two\n" },
    };

    private static V1Deployment Deployment(string name, int revision) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = "apply",
            Labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = name, ["app.kubernetes.io/managed-by"] = "flux" },
            Annotations = new Dictionary<string, string> { ["bench/revision"] = revision.ToString(CultureInfo.InvariantCulture) },
        },
        Spec = new V1DeploymentSpec
        {
            Replicas = 2,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = name } },
                Spec = new V1PodSpec
                {
                    Containers =
                    [
                        new V1Container
                        {
                            Name = "app",
                            Image = "ghcr.io/stefanprodan/podinfo:6.7.0",
                            Ports = [new V1ContainerPort { Name = "http", ContainerPort = 9898 }],
                            Env = [new V1EnvVar { Name = "PODINFO_UI_COLOR", Value = "#34577c" }],
                            Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m"), ["memory"] = new("64Mi") } },
                            ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/readyz", Port = 9898 } },
                        },
                    ],
                },
            },
        },
    };
}
