namespace FluxSharp.Api.Tests.Infrastructure;

/// <summary>Locations in the repository and next to it, found from the test's base directory.</summary>
internal static class RepoPaths
{
    /// <summary>The directory holding FluxSharp.slnx.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Where the generated CRDs are committed.</summary>
    public static string CrdDirectory => Path.Combine(Root, "config", "crd");

    /// <summary>
    /// Flux's own CRDs: ../shared/reference/flux-crds from the repository root (for a git worktree below the
    /// main checkout's parent, the nearest ancestor holding shared/reference/flux-crds).
    /// </summary>
    public static string FluxCrdDirectory { get; } = FindFluxCrds();

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

    private static string FindFluxCrds()
    {
        for (var dir = Directory.GetParent(Root); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "reference", "flux-crds");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"Flux's reference CRDs not found: expected ../shared/reference/flux-crds next to {Root}");
    }
}
