using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using FluxSharp.Api;
using FluxSharp.Api.Source.V1;
using FluxSharp.Build;
using FluxSharp.Controllers.Source;
using FluxSharp.Kubernetes.Client;
using FluxSharp.Kubernetes.Runtime;
using FluxSharp.LocalCluster;
using FluxSharp.Manager;
using FluxSharp.Sources.Artifacts;
using FluxSharp.Sources.Oci;
using FluxSharp.Testing.Git;
using FluxSharp.Testing.Oci;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace FluxSharp.Bench;

/// <summary>
/// OCI benchmark against Debian's docker-registry on 127.0.0.1: push and pull of a 1,000-file Flux artifact with
/// FluxSharp versus <c>skopeo copy</c> of the same artifact, and a no-change OCIRepository reconcile versus one raw
/// manifest HEAD request.
/// </summary>
internal static class OciBench
{
    private const string Ns = "bench";
    private const int Files = 1000;

    public static async Task<int> RunAsync(string[] args)
    {
        var loadBefore = BenchSupport.LoadAverage();
        int iterations = args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out var n) ? n : 5;
        using var tmp = new TempDirectory("fluxsharp-bench-oci");
        var content = tmp.Sub("content");
        WriteContent(content);
        await using var registry = await RegistryServer.StartAsync();
        using var client = new OciRegistryClient(new OciClientOptions { Insecure = true });
        var meta = new FluxArtifactMetadata { Source = "https://example.com/bench.git", Revision = "main@sha1:" + new string('0', 40), Reproducible = true };

        // The artifact in skopeo's dir: layout once, so skopeo pushes exactly the bytes FluxSharp pushes.
        var seed = OciReference.Parse(registry.Url("bench/seed") + ":v1");
        await FluxArtifact.PushAsync(client, seed, content, null, meta, null, CancellationToken.None);
        var layout = tmp.Sub("layout");
        await Skopeo.RunAsync(["copy", "--src-tls-verify=false", "--src-no-creds", $"docker://{seed}", $"dir:{layout}"]);
        var layerSize = (await FluxArtifact.SelectLayerAsync(client, seed, null, CancellationToken.None)).Layer.Size;

        var push = new List<double>();
        var skopeoPush = new List<double>();
        var pull = new List<double>();
        var pullExtract = new List<double>();
        var skopeoPull = new List<double>();
        for (int it = 0; it <= iterations; it++)
        {
            // A new repository each time: every blob is uploaded (a registry links blobs per repository).
            var sw = Stopwatch.StartNew();
            var target = OciReference.Parse(registry.Url($"bench/push-{it}") + ":v1");
            await FluxArtifact.PushAsync(client, target, content, null, meta, null, CancellationToken.None);
            var tPush = sw.Elapsed.TotalMilliseconds;

            sw.Restart();
            await Skopeo.RunAsync(["copy", "--dest-tls-verify=false", "--dest-no-creds", $"dir:{layout}", $"docker://{registry.Host}/bench/skopeo-{it}:v1"]);
            var tSkopeoPush = sw.Elapsed.TotalMilliseconds;

            var file = tmp.Sub($"pull-{it}.tar.gz");
            sw.Restart();
            using (var fresh = new OciRegistryClient(new OciClientOptions { Insecure = true }))
            {
                var layer = await FluxArtifact.SelectLayerAsync(fresh, target, null, CancellationToken.None);
                await FluxArtifact.DownloadAsync(fresh, layer, file, CancellationToken.None);
            }

            var tPull = sw.Elapsed.TotalMilliseconds;
            await using (var input = File.OpenRead(file))
            {
                await ArtifactFetcher.ExtractAsync(input, tmp.Sub($"x-{it}"), null, CancellationToken.None);
            }

            var tPullExtract = sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            await Skopeo.RunAsync(["copy", "--src-tls-verify=false", "--src-no-creds", $"docker://{target}", $"dir:{tmp.Sub($"skopeo-pull-{it}")}"]);
            var tSkopeoPull = sw.Elapsed.TotalMilliseconds;
            Directory.Delete(tmp.Sub($"x-{it}"), true);
            if (it == 0)
            {
                continue; // warm-up
            }

            push.Add(tPush);
            skopeoPush.Add(tSkopeoPush);
            pull.Add(tPull);
            pullExtract.Add(tPullExtract);
            skopeoPull.Add(tSkopeoPull);
        }

        var (head, requested, direct) = await NoChangeReconcileAsync(tmp, registry, seed, iterations);

        double Med(List<double> xs) => BenchSupport.Median(xs);
        var md = new StringBuilder();
        md.Append("# OCI benchmark\n\n");
        md.Append("`dotnet run -c Release --project bench/FluxSharp.Bench -- oci [iterations]`\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Debian's docker-registry (distribution 2.8, filesystem storage) on 127.0.0.1 over plain HTTP; a Flux artifact of {Files} YAML files (~0.6 KiB each, layer {layerSize / 1024.0:0.0} KiB gzip). ");
        md.Append(CultureInfo.InvariantCulture, $"Median of {iterations} runs after one warm-up; {Environment.ProcessorCount} cores; .NET {Environment.Version}; {DateTime.UtcNow:yyyy-MM-dd}; load average (1/5/15 min) {loadBefore} before, {BenchSupport.LoadAverage()} after: the machine is shared, so absolute times are inflated; the ratios are the useful part.\n\n");
        md.Append("- *push*: FluxSharp builds the deterministic tar.gz of the directory, hashes it and uploads config, layer and manifest to a new repository; skopeo copies the same artifact (already built, from a `dir:` layout) to a new repository. skopeo is a separate process, so its figure includes its start-up.\n");
        md.Append("- *pull*: FluxSharp resolves the manifest and streams the layer to a file through the digest check (a new client, so a new connection); *pull + extract* adds the safe extraction; skopeo copies the artifact to a `dir:` layout.\n");
        md.Append("- *no-change reconcile*: an OCIRepository whose tag still points at the stored digest. *requestedAt → handled*: from the annotation patch until status.lastHandledReconcileAt shows it (watch, queue, one manifest HEAD, status patch); *ReconcileAsync alone*: the reconciler called directly; against one raw `HEAD /v2/<name>/manifests/<tag>` with HttpClient.\n\n");
        md.Append("| operation | FluxSharp (ms) | raw / skopeo (ms) | ratio |\n| --- | --- | --- | --- |\n");
        md.Append(CultureInfo.InvariantCulture, $"| push 1,000-file artifact | {BenchSupport.Ms(Med(push))} | skopeo copy dir→registry {BenchSupport.Ms(Med(skopeoPush))} | {Med(push) / Med(skopeoPush):0.00}x |\n");
        md.Append(CultureInfo.InvariantCulture, $"| pull (download, digest-verified) | {BenchSupport.Ms(Med(pull))} | skopeo copy registry→dir {BenchSupport.Ms(Med(skopeoPull))} | {Med(pull) / Med(skopeoPull):0.00}x |\n");
        md.Append(CultureInfo.InvariantCulture, $"| pull + extract | {BenchSupport.Ms(Med(pullExtract))} | skopeo copy registry→dir {BenchSupport.Ms(Med(skopeoPull))} | {Med(pullExtract) / Med(skopeoPull):0.00}x |\n");
        md.Append(CultureInfo.InvariantCulture, $"| no-change reconcile: ReconcileAsync alone | {BenchSupport.Ms(Med(direct))} | raw manifest HEAD {BenchSupport.Ms(Med(head))} | {Med(direct) / Med(head):0.00}x |\n");
        md.Append(CultureInfo.InvariantCulture, $"| no-change reconcile: requestedAt → handled | {BenchSupport.Ms(Med(requested))} | raw manifest HEAD {BenchSupport.Ms(Med(head))} | {Med(requested) / Med(head):0.00}x |\n");
        Console.WriteLine(md.ToString());
        var path = Path.Combine(BenchSupport.ResultsDir(), "oci.md");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, md.ToString());
        Console.WriteLine($"wrote {path}");
        return 0;
    }

    private static async Task<(List<double> Head, List<double> Requested, List<double> Direct)> NoChangeReconcileAsync(TempDirectory tmp, RegistryServer registry, OciReference seed, int iterations)
    {
        await using var plane = await LocalControlPlane.StartAsync(new LocalControlPlaneOptions { StateDir = tmp.Sub("state"), BookmarkInterval = TimeSpan.FromMilliseconds(500) });
        var kubeconfig = tmp.Sub("kubeconfig");
        await plane.WriteKubeconfigAsync(kubeconfig);
        using var kube = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        await CrdInstaller.ApplyAsync(kube, FluxApi.Crds(), "bench");
        await kube.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Ns } });
        var options = new ManagerOptions { Controllers = ["source"], StoragePath = tmp.Sub("storage"), StorageAddress = "127.0.0.1:0", MetricsAddress = "127.0.0.1:0" };
        await using var manager = await FluxManager.StartAsync(options, [new SourceControllerModule()], NullLoggerFactory.Instance, kube);
        var repos = new ResourceClient(kube, FluxResources.OCIRepositories);
        var storage = new ArtifactStorage(tmp.Sub("storage"), manager.ArtifactBaseUrl.ToString().TrimEnd('/'));
        var reconciler = new OCIRepositoryReconciler(kube, storage, new EventRecorder(kube, FluxNames.SourceController, NullLogger.Instance), NullLogger.Instance);

        var obj = new OCIRepository
        {
            Metadata = new V1ObjectMeta { Name = "app", NamespaceProperty = Ns },
            Spec = new OCIRepositorySpec { Url = $"oci://{seed.RepositoryUrl}", Interval = "1h", Insecure = true, Reference = new OCIRepositoryRef { Tag = seed.Tag } },
        };
        await kube.CustomObjects.CreateNamespacedCustomObjectAsync(JsonNode.Parse(KubernetesJson.Serialize(obj)), SourceGroup.Name, SourceGroup.Version, Ns, OCIRepository.Plural);
        var ready = await PollAsync(repos, r => r.Status?.Conditions?.Any(c => c.Type == ConditionTypes.Ready && c.Status == "True") == true);

        using var http = new HttpClient();
        var head = new List<double>();
        var requested = new List<double>();
        var direct = new List<double>();
        for (int it = 0; it <= iterations; it++)
        {
            var sw = Stopwatch.StartNew();
            using (var request = new HttpRequestMessage(HttpMethod.Head, $"http://{registry.Host}/v2/{seed.Repository}/manifests/{seed.Tag}"))
            {
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(OciMediaTypes.ImageManifest));
                using var response = await http.SendAsync(request);
                response.EnsureSuccessStatusCode();
            }

            var tHead = sw.Elapsed.TotalMilliseconds;
            var at = $"bench-{it}-{Guid.NewGuid():N}";
            var patch = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [FluxAnnotations.ReconcileRequestedAt] = at } } };
            sw.Restart();
            await repos.MergePatchAsync(Ns, "app", patch, status: false, "bench", CancellationToken.None);
            var handled = await PollAsync(repos, r => r.Status?.LastHandledReconcileAt == at);
            var tRequested = sw.Elapsed.TotalMilliseconds;
            if (handled.Status!.Artifact!.LastUpdateTime != ready.Status!.Artifact!.LastUpdateTime)
            {
                throw new InvalidOperationException("a no-change reconcile stored a new artifact");
            }

            sw.Restart();
            await reconciler.ReconcileAsync(handled, CancellationToken.None);
            var tDirect = sw.Elapsed.TotalMilliseconds;
            if (it == 0)
            {
                continue;
            }

            head.Add(tHead);
            requested.Add(tRequested);
            direct.Add(tDirect);
        }

        return (head, requested, direct);
    }

    /// <summary>
    /// flux-benchmark's source scenario: <paramref name="count"/> OCIRepositories of one small artifact created at once,
    /// timed until all are Ready; memory is this process's (manager, local control plane and the benchmark together).
    /// </summary>
    public static async Task<int> RunScaleAsync(string[] args)
    {
        var loadBefore = BenchSupport.LoadAverage();
        int count = args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out var n) ? n : 1000;
        using var tmp = new TempDirectory("fluxsharp-bench-oci-scale");
        var content = tmp.Sub("content");
        for (int i = 0; i < 10; i++)
        {
            var path = Path.Combine(content, $"cm-{i}.yaml");
            Directory.CreateDirectory(content);
            await File.WriteAllTextAsync(path, $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\ndata:\n  k: v{i}\n");
        }

        await using var registry = await RegistryServer.StartAsync();
        var reference = OciReference.Parse(registry.Url("bench/podinfo") + ":6.0.0");
        using (var client = new OciRegistryClient(new OciClientOptions { Insecure = true }))
        {
            await FluxArtifact.PushAsync(client, reference, content, null, new FluxArtifactMetadata { Reproducible = true }, null, CancellationToken.None);
        }

        await using var plane = await LocalControlPlane.StartAsync(new LocalControlPlaneOptions { StateDir = tmp.Sub("state"), BookmarkInterval = TimeSpan.FromMilliseconds(500) });
        var kubeconfig = tmp.Sub("kubeconfig");
        await plane.WriteKubeconfigAsync(kubeconfig);
        using var kube = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        await CrdInstaller.ApplyAsync(kube, FluxApi.Crds(), "bench");
        await kube.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Ns } });
        var options = new ManagerOptions { Controllers = ["source"], StoragePath = tmp.Sub("storage"), StorageAddress = "127.0.0.1:0", MetricsAddress = "127.0.0.1:0" };
        await using var manager = await FluxManager.StartAsync(options, [new SourceControllerModule()], NullLoggerFactory.Instance, kube);
        var repos = new ResourceClient(kube, FluxResources.OCIRepositories);
        GC.Collect();
        var baseline = Process.GetCurrentProcess().WorkingSet64;

        var sw = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var obj = new OCIRepository
            {
                Metadata = new V1ObjectMeta { Name = $"podinfo-{i:0000}", NamespaceProperty = Ns },
                Spec = new OCIRepositorySpec { Url = $"oci://{reference.RepositoryUrl}", Interval = "1h", Insecure = true, Reference = new OCIRepositoryRef { Tag = reference.Tag } },
            };
            await kube.CustomObjects.CreateNamespacedCustomObjectAsync(JsonNode.Parse(KubernetesJson.Serialize(obj)), SourceGroup.Name, SourceGroup.Version, Ns, OCIRepository.Plural, cancellationToken: ct);
        });
        var created = sw.Elapsed;
        long peak = 0;
        while (true)
        {
            peak = Math.Max(peak, Process.GetCurrentProcess().WorkingSet64);
            var list = await repos.ListAsync(Ns, CancellationToken.None);
            var ready = list.Items.Count(o => o["status"]?["conditions"]?.AsArray().Any(c => (string?)c?["type"] == "Ready" && (string?)c?["status"] == "True") == true);
            if (ready == count)
            {
                break;
            }

            if (sw.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException($"{ready} of {count} OCIRepositories Ready after 10 minutes");
            }

            await Task.Delay(200);
        }

        var total = sw.Elapsed;
        var md = new StringBuilder();
        md.Append("# OCIRepository scale benchmark\n\n");
        md.Append("`dotnet run -c Release --project bench/FluxSharp.Bench -- oci-scale [count]`\n\n");
        md.Append(CultureInfo.InvariantCulture, $"flux-benchmark's source scenario: {count} OCIRepositories of one small artifact (10 files) on Debian's docker-registry, created 8 at a time, until all are Ready (polled every 200 ms). One process holds the local control plane, the manager (source controller, 4 workers) and the benchmark, so its memory is an upper bound for the controller. {Environment.ProcessorCount} cores; .NET {Environment.Version}; {DateTime.UtcNow:yyyy-MM-dd}; load average {loadBefore} before, {BenchSupport.LoadAverage()} after (shared machine).\n\n");
        md.Append("| OCIRepositories | created in | all Ready after | working set before | peak working set | Flux 2.9 (published) |\n| --- | --- | --- | --- | --- | --- |\n");
        md.Append(CultureInfo.InvariantCulture, $"| {count} | {created.TotalSeconds:0.0} s | {total.TotalSeconds:0.0} s | {baseline / 1048576.0:0} MiB | {peak / 1048576.0:0} MiB | 4 m 17 s, 128 MiB (source-controller) |\n");
        Console.WriteLine(md.ToString());
        var outPath = Path.Combine(BenchSupport.ResultsDir(), "oci-scale.md");
        await File.WriteAllTextAsync(outPath, md.ToString());
        Console.WriteLine($"wrote {outPath}");
        return 0;
    }

    private static async Task<OCIRepository> PollAsync(ResourceClient repos, Func<OCIRepository, bool> done)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var json = await repos.GetAsync(Ns, "app", CancellationToken.None);
            if (json is not null && KubernetesJson.Deserialize<OCIRepository>(json.ToJsonString()) is { } r && done(r))
            {
                return r;
            }

            if (deadline.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException($"OCIRepository app: {json}");
            }

            await Task.Delay(5);
        }
    }

    private static void WriteContent(string root)
    {
        var rnd = new Random(42);
        for (int i = 0; i < Files; i++)
        {
            var sb = new StringBuilder();
            sb.Append("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-").Append(i).Append("\ndata:\n");
            for (int j = 0; j < 20; j++)
            {
                sb.Append("  key").Append(j).Append(": \"").Append(rnd.NextInt64().ToString("x", CultureInfo.InvariantCulture)).Append("\"\n");
            }

            var path = Path.Combine(root, $"apps/team-{i % 25:00}/cm-{i:0000}.yaml");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, sb.ToString());
        }
    }
}
