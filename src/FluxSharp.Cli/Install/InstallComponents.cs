using FluxSharp.Cli.Flux;

namespace FluxSharp.Cli.Install;

/// <summary>
/// The components `--components`/`--components-extra` select, named as flux names them (source-controller, ...),
/// each mapped to the manager's `--controllers` name. Only the controllers this build has can be selected.
/// </summary>
internal static class InstallComponents
{
    /// <summary>Flux's components that need cluster-admin to apply what users ask for (its cluster-reconciler binding).</summary>
    public static IReadOnlySet<string> Reconcilers { get; } = new HashSet<string>(["kustomize-controller", "helm-controller"], StringComparer.Ordinal);

    /// <summary>The component that serves events and webhook receivers (its Services and the allow-webhooks policy).</summary>
    public const string Notification = "notification-controller";

    /// <summary>Every component this build of the manager can run, in the order the manager lists its controllers.</summary>
    public static IReadOnlyList<string> Available { get; } =
        Commands.ManagerCommand.AllControllers().Select(c => ComponentOf(c.Name)).Distinct().ToList();

    /// <summary>The manager's --controllers name of a component: "source-controller" → "source".</summary>
    public static string ControllerOf(string component) => component[..^"-controller".Length];

    private static string ComponentOf(string controller) => controller + "-controller";

    /// <summary>
    /// The selected components, in catalog order, from --components and --components-extra (comma-separated, as flux);
    /// an unknown name is an error naming it and the ones that exist.
    /// </summary>
    public static IReadOnlyList<string> Select(IEnumerable<string> components, IEnumerable<string> extra)
    {
        var selected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in components.Concat(extra).SelectMany(c => c.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!Available.Contains(name, StringComparer.Ordinal))
            {
                throw new CliException($"component '{name}' is not supported by FluxSharp, can be: {string.Join(", ", Available)}");
            }

            selected.Add(name);
        }

        if (selected.Count == 0)
        {
            throw new CliException($"no components selected, can be: {string.Join(", ", Available)}");
        }

        return Available.Where(selected.Contains).ToList();
    }
}
