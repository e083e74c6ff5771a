using System.Text.Json.Nodes;

namespace FluxSharp.LocalCluster.Authorization;

/// <summary>
/// Where the authorizer reads RBAC objects from (the store, in rbac.authorization.k8s.io/v1 shape).
/// Called on every authorized request, so implementations should be cheap (in-memory reads).
/// </summary>
public interface IRbacSource
{
    IEnumerable<JsonObject> Roles(string ns);

    IEnumerable<JsonObject> RoleBindings(string ns);

    IEnumerable<JsonObject> ClusterRoles();

    IEnumerable<JsonObject> ClusterRoleBindings();
}
