using System.Text.Json.Nodes;
using FluxSharp.Api;

namespace FluxSharp.Cli.Install;

/// <summary>The Kubernetes resources of the kinds the component manifests hold, to apply, find and delete them.</summary>
internal static class InstallResources
{
    public static ApiResource Namespaces { get; } = new("", "v1", "namespaces", "Namespace", Namespaced: false);

    public static ApiResource Crds { get; } = new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", Namespaced: false);

    public static ApiResource ServiceAccounts { get; } = new("", "v1", "serviceaccounts", "ServiceAccount");

    public static ApiResource ClusterRoles { get; } = new("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", Namespaced: false);

    public static ApiResource ClusterRoleBindings { get; } = new("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", Namespaced: false);

    public static ApiResource Services { get; } = new("", "v1", "services", "Service");

    public static ApiResource Deployments { get; } = new("apps", "v1", "deployments", "Deployment");

    public static ApiResource NetworkPolicies { get; } = new("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy");

    /// <summary>Every kind in the manifests, in the order uninstall deletes them (workloads first, the namespace last).</summary>
    public static IReadOnlyList<ApiResource> DeleteOrder { get; } =
        [Deployments, Services, NetworkPolicies, ServiceAccounts, ClusterRoleBindings, ClusterRoles, Crds];

    /// <summary>The resource of a generated object, by its apiVersion and kind.</summary>
    public static ApiResource Of(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var apiVersion = (string?)obj["apiVersion"];
        var kind = (string?)obj["kind"];
        return new[] { Namespaces, Crds, ServiceAccounts, ClusterRoles, ClusterRoleBindings, Services, Deployments, NetworkPolicies }
            .FirstOrDefault(r => r.ApiVersion == apiVersion && r.Kind == kind)
            ?? throw new InvalidOperationException($"no resource known for {apiVersion}/{kind}");
    }

    /// <summary>Flux's selector of what an install made: its part-of and instance labels.</summary>
    public static string Selector(string ns) => $"app.kubernetes.io/part-of=flux,app.kubernetes.io/instance={ns}";

    /// <summary>The CRDs are cluster-wide: the last install's instance label is on them, so uninstall finds them by part-of alone.</summary>
    public const string CrdSelector = "app.kubernetes.io/part-of=flux";
}
