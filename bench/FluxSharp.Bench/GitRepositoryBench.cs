using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using FluxSharp.Api;
using FluxSharp.Api.Source.V1;
using FluxSharp.Controllers.Source;
using FluxSharp.Kubernetes.Client;
using FluxSharp.Kubernetes.Runtime;
using FluxSharp.LocalCluster;
using FluxSharp.Manager;
using FluxSharp.Sources.Artifacts;
using FluxSharp.Sources.Git;
using FluxSharp.Testing.Git;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace FluxSharp.Bench;

/// <summary>
/// GitRepository controller benchmark, end to end: a local control plane and a FluxManager running the source
/// controller; a 1,000-file repository over file:// and smart HTTP. Measures the time from creating a GitRepository
/// to seeing it Ready with an artifact (vs <c>git clone --depth 1</c>), the latency of a no-change reconcile asked
/// for with <c>reconcile.fluxcd.io/requestedAt</c> (annotation written → status.lastHandledReconcileAt seen), and the
/// reconciler's own time for a no-change run (<see cref="GitRepositoryReconciler.ReconcileAsync"/> called directly).
/// </summary>
internal static class GitRepositoryBench
{
    private const string Ns = "bench";

    public static async Task<int> RunAsync(string[] args)
    {
        var loadBefore = BenchSupport.LoadAverage();
        int iterations = args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out var n) ? n : 7;
        const int Files = 1000;
        using var tmp = new TempDirectory("fluxsharp-bench-gitrepo");
        var repo = await BenchSupport.ConfigMapRepositoryAsync(tmp.Sub("srv"), Files);
        await using var http = await GitHttpServer.StartAsync(new GitHttpServerOptions(tmp.Sub("srv")));

        await using var plane = await LocalControlPlane.StartAsync(new LocalControlPlaneOptions { StateDir = tmp.Sub("state"), BookmarkInterval = TimeSpan.FromMilliseconds(500) });
        var kubeconfig = tmp.Sub("kubeconfig");
        await plane.WriteKubeconfigAsync(kubeconfig);
        using var kube = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        await CrdInstaller.ApplyAsync(kube, FluxApi.Crds(), "bench");
        await kube.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Ns } });

        var options = new ManagerOptions
        {
            Controllers = ["source"],
            StoragePath = tmp.Sub("storage"),
            StorageAddress = "127.0.0.1:0",
            MetricsAddress = "127.0.0.1:0",
            AllowFileUrls = true,
        };
        await using var manager = await FluxManager.StartAsync(options, [new SourceControllerModule()], NullLoggerFactory.Instance, kube);
        var repos = new ResourceClient(kube, FluxResources.GitRepositories);

        // The reconciler on its own, sharing the manager's storage so it sees the stored artifacts.
        var storage = new ArtifactStorage(tmp.Sub("storage"), manager.ArtifactBaseUrl.ToString().TrimEnd('/'));
        var direct = new GitRepositoryReconciler(kube, new GitClient(), storage, new EventRecorder(kube, FluxNames.SourceController, NullLogger.Instance), NullLogger.Instance) { AllowFileUrls = true };

        var rows = new List<string[]>();
        int seq = 0;
        foreach (var (transport, url) in new[] { ("file://", repo.FileUrl), ("smart HTTP", http.UrlFor(repo.Name)) })
        {
            var clone = new List<double>();
            var firstReady = new List<double>();
            var lsRemote = new List<double>();
            var requested = new List<double>();
            var reconcileOnly = new List<double>();
            for (int it = 0; it <= iterations; it++) // iteration 0 warms up
            {
                var cloneDir = tmp.Sub($"raw-{Guid.NewGuid():N}");
                var sw = Stopwatch.StartNew();
                await BenchSupport.RunGitAsync("clone", "-q", "--depth", "1", "--branch", "main", url, cloneDir);
                var tClone = sw.Elapsed.TotalMilliseconds;
                Directory.Delete(cloneDir, true);

                var name = $"repo-{seq++}";
                var obj = new GitRepository
                {
                    Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns },
                    Spec = new GitRepositorySpec { Url = url, Interval = "1h", Reference = new GitRepositoryRef { Branch = "main" } },
                };
                sw.Restart();
                await kube.CustomObjects.CreateNamespacedCustomObjectAsync(JsonNode.Parse(KubernetesJson.Serialize(obj)), SourceGroup.Name, SourceGroup.Version, Ns, GitRepository.Plural);
                var ready = await PollAsync(repos, name, r => r.Status?.Conditions?.Any(c => c.Type == ConditionTypes.Ready && c.Status == "True") == true);
                var tReady = sw.Elapsed.TotalMilliseconds;

                sw.Restart();
                await BenchSupport.RunGitAsync("ls-remote", url, "refs/heads/main");
                var tLs = sw.Elapsed.TotalMilliseconds;

                var at = $"bench-{it}-{Guid.NewGuid():N}";
                var patch = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [FluxAnnotations.ReconcileRequestedAt] = at } } };
                sw.Restart();
                await repos.MergePatchAsync(Ns, name, patch, status: false, "bench", CancellationToken.None);
                var handled = await PollAsync(repos, name, r => r.Status?.LastHandledReconcileAt == at);
                var tRequested = sw.Elapsed.TotalMilliseconds;
                if (handled.Status!.Artifact!.LastUpdateTime != ready.Status!.Artifact!.LastUpdateTime)
                {
                    throw new InvalidOperationException("a no-change reconcile rebuilt the artifact");
                }

                sw.Restart();
                await direct.ReconcileAsync(handled, CancellationToken.None);
                var tDirect = sw.Elapsed.TotalMilliseconds;

                await kube.CustomObjects.DeleteNamespacedCustomObjectAsync(SourceGroup.Name, SourceGroup.Version, Ns, GitRepository.Plural, name);
                if (it == 0)
                {
                    continue;
                }

                clone.Add(tClone);
                firstReady.Add(tReady);
                lsRemote.Add(tLs);
                requested.Add(tRequested);
                reconcileOnly.Add(tDirect);
            }
            double mc = BenchSupport.Median(clone), mr = BenchSupport.Median(firstReady);
            rows.Add([transport, BenchSupport.Ms(mc), BenchSupport.Ms(mr), $"{mr / mc:0.00}x", BenchSupport.Ms(BenchSupport.Median(lsRemote)), BenchSupport.Ms(BenchSupport.Median(requested)), BenchSupport.Ms(BenchSupport.Median(reconcileOnly))]);
            Console.WriteLine($"{transport}: clone {BenchSupport.Ms(mc)} ms, first Ready {BenchSupport.Ms(mr)} ms, requestedAt {BenchSupport.Ms(BenchSupport.Median(requested))} ms, reconcile {BenchSupport.Ms(BenchSupport.Median(reconcileOnly))} ms");
        }

        string[] header = ["transport", "git clone --depth 1 (ms)", "new GitRepository → Ready artifact (ms)", "ratio", "git ls-remote (ms)", "no-change: requestedAt → lastHandledReconcileAt (ms)", "no-change: ReconcileAsync alone (ms)"];
        var table = new StringBuilder();
        table.Append("| ").Append(string.Join(" | ", header)).Append(" |\n");
        table.Append('|').Append(string.Concat(header.Select(_ => " --- |"))).Append('\n');
        foreach (var r in rows)
        {
            table.Append("| ").Append(string.Join(" | ", r)).Append(" |\n");
        }

        var gitVersion = (await BenchSupport.RunGitAsync("--version")).Trim();
        var md = new StringBuilder();
        md.Append("# GitRepository controller benchmark\n\n");
        md.Append("`dotnet run -c Release --project bench/FluxSharp.Bench -- gitrepository [iterations]`\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Local control plane (in-process) + FluxManager running only the source controller; repository of {Files} YAML files (~0.6 KiB each) in 25 directories, one commit, served over file:// and smart HTTP (`git http-backend` behind Kestrel) on 127.0.0.1.\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Median of {iterations} runs after one warm-up (a new GitRepository object per run); {Environment.ProcessorCount} cores; {gitVersion}; .NET {Environment.Version}; {DateTime.UtcNow:yyyy-MM-dd}; load average (1/5/15 min) {loadBefore} before, {BenchSupport.LoadAverage()} after: the machine was shared with other builds, so absolute times are inflated; the ratios are the useful part.\n\n");
        md.Append("- *new GitRepository → Ready artifact*: from the create call until a poll (every 5 ms) of the object sees Ready=True with status.artifact; includes the watch, queue, finalizer patch, ls-remote, shallow fetch + checkout, tar.gz + sha256, status patch.\n");
        md.Append("- *requestedAt → lastHandledReconcileAt*: a no-change reconcile asked for as `flux reconcile` does; from the annotation patch until the status shows it handled (the artifact's lastUpdateTime is checked unchanged: no clone).\n");
        md.Append("- *ReconcileAsync alone*: `GitRepositoryReconciler.ReconcileAsync` called directly on the Ready object (ls-remote, compare with the stored artifact, no status change so no patch).\n\n");
        md.Append(table);
        Console.WriteLine(table.ToString());
        var resultsDir = BenchSupport.ResultsDir();
        Directory.CreateDirectory(resultsDir);
        var path = Path.Combine(resultsDir, "gitrepository.md");
        await File.WriteAllTextAsync(path, md.ToString());
        Console.WriteLine($"wrote {path}");
        return 0;
    }

    private static async Task<GitRepository> PollAsync(ResourceClient repos, string name, Func<GitRepository, bool> done)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var json = await repos.GetAsync(Ns, name, CancellationToken.None);
            if (json is not null && KubernetesJson.Deserialize<GitRepository>(json.ToJsonString()) is { } r && done(r))
            {
                return r;
            }

            if (deadline.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException($"GitRepository {name}: {json}");
            }

            await Task.Delay(5);
        }
    }
}
