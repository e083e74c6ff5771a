namespace FluxSharp.Api.Notification.V1;

/// <summary>The values of a Receiver's spec.type (Flux's receiver types).</summary>
public static class ReceiverTypes
{
    public const string Generic = "generic";
    public const string GenericHmac = "generic-hmac";
    public const string GenericOidc = "generic-oidc";
    public const string GitHub = "github";
    public const string GitLab = "gitlab";
    public const string Bitbucket = "bitbucket";
    public const string Harbor = "harbor";
    public const string DockerHub = "dockerhub";
    public const string Quay = "quay";
    public const string Gcr = "gcr";
    public const string Nexus = "nexus";
    public const string Acr = "acr";
    public const string CdEvents = "cdevents";

    /// <summary>Every type, in the CRD's enum order.</summary>
    public static IReadOnlyList<string> All { get; } = [Generic, GenericHmac, GenericOidc, GitHub, GitLab, Bitbucket, Harbor, DockerHub, Quay, Gcr, Nexus, Acr, CdEvents];
}
