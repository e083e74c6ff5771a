using System.Diagnostics;
using System.Globalization;
using System.Text;
using FluxSharp.Sources.Artifacts;
using FluxSharp.Sources.Git;
using FluxSharp.Testing.Git;

namespace FluxSharp.Bench;

/// <summary>
/// Git source benchmark: time to first artifact (ls-remote resolve + checkout + archive) against a plain
/// <c>git clone --depth 1</c> of the same 1,000-file repository, and the no-change resolve (ls-remote)
/// against a raw <c>git ls-remote</c>, over file:// and smart HTTP on loopback.
/// </summary>
internal static class GitBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        int iterations = args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out var n) ? n : 7;
        int files = 1000;
        using var tmp = new TempDirectory("fluxsharp-bench-git");
        var repo = await BenchSupport.ConfigMapRepositoryAsync(tmp.Sub("srv"), files);
        await using var http = await GitHttpServer.StartAsync(new GitHttpServerOptions(tmp.Sub("srv")));

        var client = new GitClient();
        var storage = new ArtifactStorage(tmp.Sub("artifacts"), "http://localhost");
        var rows = new List<string[]>();
        var phases = new List<string[]>();
        foreach (var (transport, url) in new[] { ("file://", repo.FileUrl), ("smart HTTP", http.UrlFor(repo.Name)) })
        {
            var req = new GitCheckoutRequest(url) { Reference = new GitReference(Branch: "main") };
            var rawClone = new List<double>();
            var ours = new List<double>();
            var rawLs = new List<double>();
            var resolve = new List<double>();
            var phaseResolve = new List<double>();
            var phaseCheckout = new List<double>();
            var phaseArchive = new List<double>();
            string? revision = null;
            for (int it = 0; it <= iterations; it++) // iteration 0 warms up
            {
                var cloneDir = tmp.Sub($"raw-{it}-{Guid.NewGuid():N}");
                var sw = Stopwatch.StartNew();
                await BenchSupport.RunGitAsync("clone", "-q", "--depth", "1", "--branch", "main", url, cloneDir);
                var tRaw = sw.Elapsed.TotalMilliseconds;

                var coDir = tmp.Sub($"co-{it}-{Guid.NewGuid():N}");
                sw.Restart();
                var resolved = await client.ResolveRemoteRevisionAsync(req);
                var t1 = sw.Elapsed.TotalMilliseconds;
                var result = await client.CheckoutAsync(req, coDir);
                var t2 = sw.Elapsed.TotalMilliseconds;
                var artifact = await storage.ArchiveAsync("GitRepository", "bench", "repo", coDir, SourceIgnore.Load(coDir, null), result.Revision);
                var tOurs = sw.Elapsed.TotalMilliseconds;
                if (resolved != result.Revision)
                {
                    throw new InvalidOperationException($"resolve {resolved} != checkout {result.Revision}");
                }

                revision = artifact.Revision;

                sw.Restart();
                await BenchSupport.RunGitAsync("ls-remote", url, "refs/heads/main");
                var tLs = sw.Elapsed.TotalMilliseconds;
                sw.Restart();
                var again = await client.ResolveRemoteRevisionAsync(req);
                var tResolve = sw.Elapsed.TotalMilliseconds;
                if (again != revision)
                {
                    throw new InvalidOperationException("revision changed");
                }

                Directory.Delete(cloneDir, true);
                Directory.Delete(coDir, true);
                if (it == 0)
                {
                    continue;
                }

                phaseResolve.Add(t1);
                phaseCheckout.Add(t2 - t1);
                phaseArchive.Add(tOurs - t2);
                rawClone.Add(tRaw);
                ours.Add(tOurs);
                rawLs.Add(tLs);
                resolve.Add(tResolve);
            }
            double mc = BenchSupport.Median(rawClone), mo = BenchSupport.Median(ours), ml = BenchSupport.Median(rawLs), mr = BenchSupport.Median(resolve);
            rows.Add([transport, BenchSupport.Ms(mc), BenchSupport.Ms(mo), $"{mo / mc:0.00}x", BenchSupport.Ms(ml), BenchSupport.Ms(mr), $"{mr / ml:0.00}x"]);
            phases.Add([transport, BenchSupport.Ms(BenchSupport.Median(phaseResolve)), BenchSupport.Ms(BenchSupport.Median(phaseCheckout)), BenchSupport.Ms(BenchSupport.Median(phaseArchive))]);
        }

        string[] header = ["transport", "git clone --depth 1 (ms)", "FluxSharp first artifact (ms)", "ratio", "git ls-remote (ms)", "FluxSharp no-change resolve (ms)", "ratio"];
        var table = new StringBuilder();
        table.Append("| ").Append(string.Join(" | ", header)).Append(" |\n");
        table.Append('|').Append(string.Concat(header.Select(_ => " --- |"))).Append('\n');
        foreach (var r in rows)
        {
            table.Append("| ").Append(string.Join(" | ", r)).Append(" |\n");
        }

        table.Append("\n| transport | resolve (ms) | checkout (ms) | archive (ms) |\n| --- | --- | --- | --- |\n");
        foreach (var r in phases)
        {
            table.Append("| ").Append(string.Join(" | ", r)).Append(" |\n");
        }

        var gitVersion = (await BenchSupport.RunGitAsync("--version")).Trim();
        var md = new StringBuilder();
        md.Append("# Git source benchmark\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Repository: {files} YAML files (~0.6 KiB each) in 25 directories, one commit; served over file:// and smart HTTP (`git http-backend` behind Kestrel) on 127.0.0.1.\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Median of {iterations} runs after one warm-up; {Environment.ProcessorCount} cores; {gitVersion}; .NET {Environment.Version}; {DateTime.UtcNow:yyyy-MM-dd}.\n\n");
        md.Append("- *first artifact* = `ResolveRemoteRevisionAsync` (ls-remote) + `CheckoutAsync` (init, shallow fetch, checkout, log) + `ArchiveAsync` (deterministic tar.gz + sha256), vs a plain `git clone --depth 1 --branch main`.\n");
        md.Append("- *no-change resolve* = what a reconcile costs when the remote did not move (ls-remote only, no clone), vs a raw `git ls-remote`.\n\n");
        md.Append(table);
        Console.WriteLine(table.ToString());
        var resultsDir = BenchSupport.ResultsDir();
        Directory.CreateDirectory(resultsDir);
        var path = Path.Combine(resultsDir, "git.md");
        await File.WriteAllTextAsync(path, md.ToString());
        Console.WriteLine($"wrote {path}");
        return 0;
    }
}
