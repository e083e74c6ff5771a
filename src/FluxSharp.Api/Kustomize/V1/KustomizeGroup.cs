namespace FluxSharp.Api.Kustomize.V1;

/// <summary>The API group and version of Flux's Kustomization.</summary>
public static class KustomizeGroup
{
    public const string Name = "kustomize.toolkit.fluxcd.io";
    public const string Version = "v1";
    public const string GroupVersion = Name + "/" + Version;
}
