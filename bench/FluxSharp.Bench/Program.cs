// Benchmarks: `dotnet run -c Release --project bench/FluxSharp.Bench -- <mode>`; each mode lives in its own file.
return args.Length > 0 && args[0] == "git" ? await FluxSharp.Bench.GitBench.RunAsync(args[1..])
    : args.Length > 0 && args[0] == "gitrepository" ? await FluxSharp.Bench.GitRepositoryBench.RunAsync(args[1..])
    : Usage();

static int Usage()
{
    Console.Error.WriteLine("usage: FluxSharp.Bench <mode>   modes: git, gitrepository");
    return 2;
}
