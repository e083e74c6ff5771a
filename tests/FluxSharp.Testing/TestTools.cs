namespace FluxSharp.Testing;

/// <summary>
/// The command-line tools scripts/install-tools.sh puts in one machine-wide folder (FLUXSHARP_TOOLS, which
/// scripts/test.sh exports; else the script's default locations): every kubectl release the tests run, and helm.
/// A tool that is missing fails the test with how to install it, never skips it.
/// </summary>
public static class TestTools
{
    public const string Variable = "FLUXSHARP_TOOLS";

    /// <summary>The kubectl releases scripts/install-tools.sh installs.</summary>
    public static IReadOnlyList<string> KubectlReleases { get; } =
        ["1.27", "1.28", "1.29", "1.30", "1.31", "1.32", "1.33", "1.34", "1.35"];

    /// <summary>The kubectl of one minor release ("1.30").</summary>
    public static string Kubectl(string release) => Tool(Path.Combine("kubectl-" + release, "kubectl"), $"kubectl {release}");

    /// <summary>helm v4.</summary>
    public static string Helm() => Tool(Path.Combine("helm-4", "helm"), "helm 4");

    private static string Tool(string relativePath, string what)
    {
        var folders = Folders();
        foreach (var folder in folders)
        {
            var path = Path.Combine(folder, relativePath);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new InvalidOperationException(
            $"{what} is not installed: looked for {relativePath} in {string.Join(", ", folders)}. "
            + $"Run ./scripts/test.sh (or scripts/install-tools.sh, then export {Variable}=<the folder it prints>).");
    }

    private static List<string> Folders()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } set)
        {
            return [set];
        }

        var home = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } cache
            ? cache
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return ["/opt/fluxsharp-tools", Path.Combine(home, "fluxsharp-tools")];
    }
}
