namespace FluxSharp.Api.Kustomize.V1;

/// <summary>The values of Kustomization spec.postBuild.substituteStrategy.</summary>
public static class SubstituteStrategies
{
    public const string WithVariables = "WithVariables";
    public const string Always = "Always";
}
