using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Authorization;
using FluxSharp.LocalCluster.Storage;

namespace FluxSharp.LocalCluster.Http;

/// <summary>RBAC objects as the authorizer reads them, straight from the store.</summary>
internal sealed class StoreRbacSource(ObjectStore store) : IRbacSource
{
    private const string Group = "rbac.authorization.k8s.io/";

    public IEnumerable<JsonObject> Roles(string ns) => store.List(Group + "roles", ns).Items;

    public IEnumerable<JsonObject> RoleBindings(string ns) => store.List(Group + "rolebindings", ns).Items;

    public IEnumerable<JsonObject> ClusterRoles() => store.List(Group + "clusterroles", null).Items;

    public IEnumerable<JsonObject> ClusterRoleBindings() => store.List(Group + "clusterrolebindings", null).Items;
}
