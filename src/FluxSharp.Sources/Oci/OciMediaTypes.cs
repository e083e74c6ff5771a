namespace FluxSharp.Sources.Oci;

/// <summary>Media types of the OCI image spec, Docker's schema 2, Flux's artifacts and Helm charts.</summary>
public static class OciMediaTypes
{
    public const string ImageManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string ImageIndex = "application/vnd.oci.image.index.v1+json";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";

    /// <summary>Flux's artifact config (<c>flux push artifact</c>).</summary>
    public const string FluxConfig = "application/vnd.cncf.flux.config.v1+json";

    /// <summary>Flux's artifact content: a tar.gz of the pushed directory.</summary>
    public const string FluxContent = "application/vnd.cncf.flux.content.v1.tar+gzip";

    /// <summary>A Helm chart's config and packaged chart (<c>helm push</c>).</summary>
    public const string HelmConfig = "application/vnd.cncf.helm.config.v1+json";
    public const string HelmChartContent = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";

    /// <summary>Image layers that are plain tar.gz too.</summary>
    public const string OciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string DockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    /// <summary>Every manifest kind FluxSharp reads, as the Accept header lists them.</summary>
    public static IReadOnlyList<string> Manifests { get; } = [ImageManifest, ImageIndex, DockerManifest, DockerManifestList];

    public static bool IsIndex(string? mediaType) => mediaType is ImageIndex or DockerManifestList;
}

/// <summary>The OCI annotations Flux writes on artifacts and copies to <c>status.artifact.metadata</c>.</summary>
public static class OciAnnotations
{
    public const string Source = "org.opencontainers.image.source";
    public const string Revision = "org.opencontainers.image.revision";
    public const string Created = "org.opencontainers.image.created";
}
