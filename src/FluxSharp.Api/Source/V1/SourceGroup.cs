namespace FluxSharp.Api.Source.V1;

/// <summary>The API group and version of Flux's sources.</summary>
public static class SourceGroup
{
    public const string Name = "source.toolkit.fluxcd.io";
    public const string Version = "v1";
    public const string GroupVersion = Name + "/" + Version;
}
