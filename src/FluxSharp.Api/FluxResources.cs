using FluxSharp.Api.Kustomize.V1;
using FluxSharp.Api.Notification.V1beta3;
using FluxSharp.Api.Notification.V1;
using FluxSharp.Api.Schema;
using FluxSharp.Api.Source.V1;

namespace FluxSharp.Api;

/// <summary>
/// The Flux kinds FluxSharp serves as API resources (group, version, plural, kind), read from the
/// [CustomResource] attribute of each root type in <see cref="FluxApi.Kinds"/>: what controllers watch and the CLI addresses.
/// </summary>
public static class FluxResources
{
    public static ApiResource GitRepositories { get; } = Of(typeof(GitRepository));

    public static ApiResource OCIRepositories { get; } = Of(typeof(OCIRepository));

    public static ApiResource Kustomizations { get; } = Of(typeof(Kustomization));

    public static ApiResource Alerts { get; } = Of(typeof(Alert));

    public static ApiResource Providers { get; } = Of(typeof(Provider));
    public static ApiResource Receivers { get; } = Of(typeof(Receiver));

    /// <summary>Every served kind, in <see cref="FluxApi.Kinds"/> order.</summary>
    public static IReadOnlyList<ApiResource> Served { get; } = FluxApi.Kinds.Select(Of).ToList();

    /// <summary>The resource of a root type (one carrying [CustomResource]).</summary>
    public static ApiResource Of(Type rootType)
    {
        var crd = CrdGenerator.Resource(rootType);
        return new ApiResource(crd.Group, crd.Version, crd.Plural, crd.Kind, crd.Scope == "Namespaced");
    }

    /// <summary>The short names kubectl accepts for a served kind (gitrepo, ks); none for other resources.</summary>
    public static IReadOnlyList<string> ShortNames(ApiResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var root = FluxApi.Kinds.FirstOrDefault(t => Of(t) == resource);
        return root is null ? [] : CrdGenerator.Resource(root).ShortNames;
    }
}
