namespace FluxSharp.Api.Source.V1;

/// <summary>The values of GitRepository spec.verify.mode ("head" is accepted as HEAD).</summary>
public static class GitVerificationModes
{
    public const string Head = "HEAD";
    public const string Tag = "Tag";
    public const string TagAndHead = "TagAndHEAD";
}
