using System.Globalization;
using FluxSharp.Testing.Git;

namespace FluxSharp.Bench;

/// <summary>What every benchmark mode shares: where results go, medians, formatting, git and the machine's load.</summary>
internal static class BenchSupport
{
    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FluxSharp.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }

    public static string ResultsDir() => Path.Combine(RepoRoot(), "bench", "results");

    public static double Median(List<double> xs)
    {
        var s = xs.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[(s.Count / 2) - 1] + s[s.Count / 2]) / 2;
    }

    public static string Ms(double ms) => ms.ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>The 1, 5 and 15 minute load averages: benchmark figures on a busy machine are noisy.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    public static async Task<string> RunGitAsync(params string[] args)
    {
        var (code, stdout, stderr) = await GitRepositoryBuilder.TryRunAsync(Directory.GetCurrentDirectory(), CancellationToken.None, args);
        return code == 0 ? stdout : throw new InvalidOperationException($"git {string.Join(' ', args)}: {stderr}");
    }

    /// <summary>
    /// The git benchmarks' repository: <paramref name="files"/> ConfigMaps of ~0.6 KiB (fixed seed, so the same bytes
    /// every run) in 25 directories, one commit, pushed to a bare repository "bench" (branch main) under <paramref name="root"/>.
    /// </summary>
    public static async Task<GitRepositoryBuilder> ConfigMapRepositoryAsync(string root, int files)
    {
        var repo = await GitRepositoryBuilder.CreateAsync(root, "bench", "main");
        var rnd = new Random(42);
        for (int i = 0; i < files; i++)
        {
            var sb = new System.Text.StringBuilder();
            sb.Append("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-").Append(i).Append("\ndata:\n");
            for (int j = 0; j < 20; j++)
            {
                sb.Append("  key").Append(j).Append(": \"").Append(rnd.NextInt64().ToString("x", CultureInfo.InvariantCulture)).Append("\"\n");
            }

            repo.WriteFile($"apps/team-{i % 25:00}/cm-{i:0000}.yaml", sb.ToString());
        }

        await repo.CommitAndPushAsync($"{files} files");
        return repo;
    }
}
