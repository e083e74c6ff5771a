namespace FluxSharp.Api.Source.V1;

/// <summary>The values of GitRepository spec.provider.</summary>
public static class GitProviders
{
    public const string Generic = "generic";
    public const string Aws = "aws";
    public const string Azure = "azure";
    public const string GitHub = "github";
}
