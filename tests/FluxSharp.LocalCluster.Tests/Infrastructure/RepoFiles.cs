namespace FluxSharp.LocalCluster.Tests.Infrastructure;

/// <summary>Files of this repository the tests read, found by walking up from the test binary to FluxSharp.slnx.</summary>
internal static class RepoFiles
{
    /// <summary>The directory holding FluxSharp.slnx.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The GitRepository CRD FluxSharp generates and installs (config/crd/), as YAML.</summary>
    public static string GitRepositoryCrdPath => Path.Combine(Root, "config", "crd", "source.toolkit.fluxcd.io_gitrepositories.yaml");

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
