using FluxSharp.Api;

namespace FluxSharp.Cli.Flux;

/// <summary>Flux kinds named on the command line (`--for Kind/name`, `--kind`), as flux matches them: case-insensitively.</summary>
internal static class FluxKinds
{
    /// <summary>Every kind flux's events/logs know, served or not.</summary>
    public static readonly IReadOnlyList<PendingKind> Pending =
    [
        PendingKind.HelmRepository, PendingKind.HelmChart, PendingKind.Bucket, PendingKind.HelmRelease,
        PendingKind.Alert, PendingKind.Provider,
        PendingKind.ImageRepository, PendingKind.ImagePolicy, PendingKind.ImageUpdateAutomation,
    ];

    public static readonly IReadOnlyList<FluxKind> Served = [FluxKind.GitRepository, FluxKind.OCIRepository, FluxKind.Kustomization, FluxKind.Receiver];

    /// <summary>Whether an event's involvedObject.kind is a Flux kind (flux's events ignore every other kind).</summary>
    public static bool IsFluxKind(string? kind) =>
        Served.Any(k => k.Kind == kind) || Pending.Any(k => k.Kind == kind);

    /// <summary>
    /// The served kind <paramref name="text"/> names: its Kind, plural or short name in any case (GitRepository,
    /// gitrepositories, gitrepo; Kustomization, kustomizations, ks). A kind FluxSharp does not serve yet is its
    /// NotSupported error; anything else is flux's "not a recognized Flux kind".
    /// </summary>
    public static FluxKind Resolve(string text)
    {
        foreach (var kind in Served)
        {
            string[] names = [kind.Kind, kind.Resource.Plural, .. FluxResources.ShortNames(kind.Resource)];
            if (names.Any(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase)))
            {
                return kind;
            }
        }

        if (Pending.FirstOrDefault(k => string.Equals(k.Kind, text, StringComparison.OrdinalIgnoreCase)) is { } pending)
        {
            throw pending.NotSupported();
        }

        throw new CliException($"'{text}' is not a recognized Flux kind");
    }
}
