using FluxSharp.Bench;

if (args is not ["localcluster", ..])
{
    Console.Error.WriteLine("usage: FluxSharp.Bench localcluster [--quick]");
    return 2;
}

var quick = args.Contains("--quick");
var outPath = Path.Combine(RepoRoot(), "bench", "results", "localcluster.md");
var report = await LocalClusterBench.RunAsync(quick).ConfigureAwait(false);
Console.WriteLine(report);
Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
await File.WriteAllTextAsync(outPath, report).ConfigureAwait(false);
Console.WriteLine($"written to {outPath}");
return 0;

static string RepoRoot()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FluxSharp.slnx")))
    {
        dir = dir.Parent;
    }

    return dir?.FullName ?? Directory.GetCurrentDirectory();
}
