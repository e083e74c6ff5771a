namespace FluxSharp.Api.Tests.Infrastructure;

/// <summary>Locations in the repository, found from the test's base directory.</summary>
internal static class RepoPaths
{
    /// <summary>The directory holding FluxSharp.slnx.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Where the generated CRDs are committed.</summary>
    public static string CrdDirectory => Path.Combine(Root, "config", "crd");

    /// <summary>What Flux's own CRDs say, extracted by scripts/extract-flux-crd-facts.py and committed.</summary>
    public static string FluxCrdFacts => Path.Combine(Root, "tests", "FluxSharp.Api.Tests", "Reference", "flux-crd-facts.json");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FluxSharp.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"FluxSharp.slnx not found above {AppContext.BaseDirectory}");
    }
}
