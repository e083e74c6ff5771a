using System.Diagnostics;
using System.Globalization;
using System.Text;
using FluxSharp.Api;
using FluxSharp.Kubernetes.Client;
using FluxSharp.LocalCluster;
using FluxSharp.Testing.Git;
using k8s;
using k8s.Models;

namespace FluxSharp.Bench;

/// <summary>
/// `cli [iterations]`: what a `fluxsharp` command costs a user next to the same question asked with kubectl, against
/// one local control plane holding 100 Kustomizations and 100 GitRepositories. Each command is a new process, as a
/// user runs it; the .NET start-up floor (`fluxsharp --help`) is measured too.
/// </summary>
internal static class CliBench
{
    private const string Ns = "bench";
    private const int Objects = 100;

    public static async Task<int> RunAsync(string[] args)
    {
        var iterations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 9;
        var fluxsharp = Path.Combine(BenchSupport.RepoRoot(), "src", "FluxSharp.Cli", "bin", "Release", "net10.0", "fluxsharp.dll");
        if (!File.Exists(fluxsharp))
        {
            Console.Error.WriteLine($"build it first: dotnet build -c Release src/FluxSharp.Cli ({fluxsharp} is missing)");
            return 2;
        }

        using var tmp = new TempDirectory("fluxsharp-bench-cli");
        await using var plane = await LocalControlPlane.StartAsync(new LocalControlPlaneOptions { SimulateWorkloads = false });
        var kubeconfig = tmp.Sub("kubeconfig");
        await plane.WriteKubeconfigAsync(kubeconfig);
        using var kube = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        await CrdInstaller.ApplyAsync(kube, FluxApi.Crds(), "bench");
        await kube.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Ns } });
        for (var i = 0; i < Objects; i++)
        {
            await kube.CustomObjects.CreateNamespacedCustomObjectAsync(GitRepository(i), "source.toolkit.fluxcd.io", "v1", Ns, "gitrepositories");
            await kube.CustomObjects.CreateNamespacedCustomObjectAsync(Kustomization(i), "kustomize.toolkit.fluxcd.io", "v1", Ns, "kustomizations");
        }

        var loadBefore = BenchSupport.LoadAverage();
        string[] k = ["--kubeconfig", kubeconfig];
        var rows = new List<(string What, double Raw, double Ours, string RawCmd, string OurCmd)>();
        var help = await TimeAsync(iterations, "dotnet", [fluxsharp, "--help"]);
        var kubectlVersion = await TimeAsync(iterations, "kubectl", ["version", .. k]);
        var ourVersion = await TimeAsync(iterations, "dotnet", [fluxsharp, "version", .. k]);
        rows.Add(("client + server version", kubectlVersion, ourVersion, "kubectl version", "fluxsharp version"));
        var kubectlGetKs = await TimeAsync(iterations, "kubectl", ["get", "kustomizations", "-n", Ns, .. k]);
        var ourGetKs = await TimeAsync(iterations, "dotnet", [fluxsharp, "get", "kustomizations", "-n", Ns, .. k]);
        rows.Add(($"list {Objects} Kustomizations as a table", kubectlGetKs, ourGetKs, "kubectl get kustomizations", "fluxsharp get kustomizations"));
        var kubectlGetGit = await TimeAsync(iterations, "kubectl", ["get", "gitrepositories", "-n", Ns, .. k]);
        var ourGetGit = await TimeAsync(iterations, "dotnet", [fluxsharp, "get", "sources", "git", "-n", Ns, .. k]);
        rows.Add(($"list {Objects} GitRepositories as a table", kubectlGetGit, ourGetGit, "kubectl get gitrepositories", "fluxsharp get sources git"));
        var kubectlSuspend = await TimeAsync(iterations, "kubectl", ["patch", "kustomization", "ks-0", "-n", Ns, "--type=merge", "-p", "{\"spec\":{\"suspend\":true}}", .. k]);
        var ourSuspend = await TimeAsync(iterations, "dotnet", [fluxsharp, "suspend", "ks", "ks-0", "-n", Ns, .. k]);
        rows.Add(("suspend one Kustomization", kubectlSuspend, ourSuspend, "kubectl patch --type=merge", "fluxsharp suspend ks"));

        var report = new StringBuilder();
        report.Append("# CLI benchmark\n\n`dotnet build -c Release src/FluxSharp.Cli && dotnet run -c Release --project bench/FluxSharp.Bench -- cli [iterations]`\n\n")
            .Append(CultureInfo.InvariantCulture, $"Each command is a new process against one in-process local control plane holding {Objects} Kustomizations and {Objects} GitRepositories in one namespace; median of {iterations} runs after one warm-up; kubectl {await KubectlVersionAsync()}; .NET {Environment.Version}; {DateTime.UtcNow:yyyy-MM-dd}; load average {loadBefore} before, {BenchSupport.LoadAverage()} after (2 cores, shared).\n\n")
            .Append(CultureInfo.InvariantCulture, $"Start-up floor: `dotnet fluxsharp.dll --help` takes {BenchSupport.Ms(help)} ms (JIT and assembly loading, no cluster call); kubectl is a native Go binary.\n\n")
            .Append("| operation | kubectl (ms) | fluxsharp (ms) | ratio | fluxsharp minus start-up floor (ms) |\n| --- | --- | --- | --- | --- |\n");
        foreach (var (what, raw, ours, rawCmd, ourCmd) in rows)
        {
            report.Append(CultureInfo.InvariantCulture, $"| {what} (`{rawCmd}` / `{ourCmd}`) | {BenchSupport.Ms(raw)} | {BenchSupport.Ms(ours)} | {ours / raw:0.00}x | {BenchSupport.Ms(ours - help)} |\n");
        }

        var text = report.ToString();
        Console.WriteLine(text);
        var outPath = Path.Combine(BenchSupport.ResultsDir(), "cli.md");
        await File.WriteAllTextAsync(outPath, text);
        Console.WriteLine($"written to {outPath}");
        return 0;
    }

    private static object GitRepository(int i) => new Dictionary<string, object>
    {
        ["apiVersion"] = "source.toolkit.fluxcd.io/v1",
        ["kind"] = "GitRepository",
        ["metadata"] = new Dictionary<string, object> { ["name"] = $"repo-{i}", ["namespace"] = Ns },
        ["spec"] = new Dictionary<string, object> { ["url"] = $"https://example.com/repo-{i}", ["interval"] = "1m", ["ref"] = new Dictionary<string, object> { ["branch"] = "main" } },
    };

    private static object Kustomization(int i) => new Dictionary<string, object>
    {
        ["apiVersion"] = "kustomize.toolkit.fluxcd.io/v1",
        ["kind"] = "Kustomization",
        ["metadata"] = new Dictionary<string, object> { ["name"] = $"ks-{i}", ["namespace"] = Ns },
        ["spec"] = new Dictionary<string, object>
        {
            ["interval"] = "10m",
            ["path"] = "./",
            ["prune"] = true,
            ["sourceRef"] = new Dictionary<string, object> { ["kind"] = "GitRepository", ["name"] = $"repo-{i}" },
        },
    };

    /// <summary>Median wall time of a command run as a new process, after one warm-up run; a failure stops the bench.</summary>
    private static async Task<double> TimeAsync(int iterations, string file, string[] args)
    {
        var times = new List<double>();
        for (var i = 0; i <= iterations; i++)
        {
            var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }

            var watch = Stopwatch.StartNew();
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
            watch.Stop();
            if (p.ExitCode != 0)
            {
                throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}: {await stderr}{await stdout}");
            }

            if (i > 0)
            {
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        return BenchSupport.Median(times);
    }

    private static async Task<string> KubectlVersionAsync()
    {
        var psi = new ProcessStartInfo("kubectl", ["version", "--client", "-o", "json"]) { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var json = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (string?)System.Text.Json.Nodes.JsonNode.Parse(json)?["clientVersion"]?["gitVersion"] ?? "?";
    }
}
