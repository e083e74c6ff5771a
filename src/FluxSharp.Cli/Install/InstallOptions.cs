namespace FluxSharp.Cli.Install;

/// <summary>What `fluxsharp install` (and --export) generates: flux install's options, in FluxSharp's terms.</summary>
internal sealed record InstallOptions
{
    /// <summary>The namespace FluxSharp runs in (--namespace); also the app.kubernetes.io/instance label, as flux.</summary>
    public string Namespace { get; init; } = "flux-system";

    /// <summary>The container registry of the manager image (--registry).</summary>
    public string Registry { get; init; } = "ghcr.io/fluxsharp";

    /// <summary>The image tag and app.kubernetes.io/version label (--version), e.g. "v0.1.0".</summary>
    public required string Version { get; init; }

    /// <summary>The components (Flux's controller names) the manager runs, in catalog order.</summary>
    public required IReadOnlyList<string> Components { get; init; }

    /// <summary>The manager image: registry/fluxsharp:version.</summary>
    public string Image => $"{Registry.TrimEnd('/')}/fluxsharp:{Version}";
}
