using FluxSharp.Bench;

// Benchmarks: `dotnet run -c Release --project bench/FluxSharp.Bench -- <mode>`; each mode lives in its own file
// and writes its figures to bench/results/<mode>.md.
return args switch
{
    ["git", ..] => await GitBench.RunAsync(args[1..]),
    ["gitrepository", ..] => await GitRepositoryBench.RunAsync(args[1..]),
    ["kustomization", ..] => await KustomizationBench.RunAsync(args[1..]),
    ["cli", ..] => await CliBench.RunAsync(args[1..]),
    ["notify", ..] => await NotifyBench.RunAsync(args[1..]),
    ["receiver", ..] => await ReceiverBench.RunAsync(args[1..]),
    ["oci", ..] => await OciBench.RunAsync(args[1..]),
    ["oci-scale", ..] => await OciBench.RunScaleAsync(args[1..]),
    ["localcluster", ..] => await RunLocalClusterAsync(args.Contains("--quick")),
    ["store", ..] => await RunStoreAsync(args.Contains("--quick")),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: FluxSharp.Bench <mode>   modes: cli [iterations], git, gitrepository, kustomization [sizes...], oci [iterations], oci-scale [count], localcluster [--quick], notify [samples], receiver [rounds], store [--quick]");
    return 2;
}

static async Task<int> RunLocalClusterAsync(bool quick)
{
    var outPath = Path.Combine(BenchSupport.ResultsDir(), "localcluster.md");
    var report = await LocalClusterBench.RunAsync(quick);
    Console.WriteLine(report);
    Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
    await File.WriteAllTextAsync(outPath, report);
    Console.WriteLine($"written to {outPath}");
    return 0;
}

static async Task<int> RunStoreAsync(bool quick)
{
    var outPath = Path.Combine(BenchSupport.ResultsDir(), "store.md");
    var report = await StoreBench.RunAsync(quick);
    Console.WriteLine(report);
    Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
    await File.WriteAllTextAsync(outPath, report);
    Console.WriteLine($"written to {outPath}");
    return 0;
}
