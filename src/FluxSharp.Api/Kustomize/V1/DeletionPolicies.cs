namespace FluxSharp.Api.Kustomize.V1;

/// <summary>The values of Kustomization spec.deletionPolicy.</summary>
public static class DeletionPolicies
{
    public const string MirrorPrune = "MirrorPrune";
    public const string Delete = "Delete";
    public const string WaitForTermination = "WaitForTermination";
    public const string Orphan = "Orphan";
}
