using System.Text.Json.Nodes;

namespace FluxSharp.LocalCluster.Authorization;

/// <summary>
/// The few bootstrap ClusterRoles/ClusterRoleBindings a real apiserver creates at startup that
/// impersonated clients depend on: cluster-admin (Flux tenants are commonly bound to it), and the
/// discovery / self-review roles every authenticated user gets (an impersonating controller builds
/// its RESTMapper from discovery as the impersonated identity, so /api and /apis must be allowed).
/// The authorizer uses these when the store has no object of the same name; the server may also
/// seed them into the store with <see cref="ClusterRoles"/> and <see cref="ClusterRoleBindings"/>.
/// </summary>
public static class BootstrapPolicy
{
    private const string BootstrapLabel = "kubernetes.io/bootstrapping";

    public static IReadOnlyList<JsonObject> ClusterRoles() =>
    [
        ClusterRole("cluster-admin", Rule(["*"], ["*"], ["*"]), NonResourceRule(["*"], ["*"])),
        ClusterRole(
            "system:discovery",
            NonResourceRule(["get"], ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"])),
        ClusterRole(
            "system:basic-user",
            Rule(["create"], ["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
            Rule(["create"], ["authentication.k8s.io"], ["selfsubjectreviews"])),
        ClusterRole(
            "system:public-info-viewer",
            NonResourceRule(["get"], ["/healthz", "/livez", "/readyz", "/version", "/version/"])),
    ];

    public static IReadOnlyList<JsonObject> ClusterRoleBindings() =>
    [
        Binding("cluster-admin", "cluster-admin", UserInfo.SystemMasters),
        Binding("system:discovery", "system:discovery", UserInfo.AllAuthenticated),
        Binding("system:basic-user", "system:basic-user", UserInfo.AllAuthenticated),
        Binding("system:public-info-viewer", "system:public-info-viewer", UserInfo.AllAuthenticated, UserInfo.AllUnauthenticated),
    ];

    private static JsonObject ClusterRole(string name, params JsonObject[] rules) => new()
    {
        ["apiVersion"] = "rbac.authorization.k8s.io/v1",
        ["kind"] = "ClusterRole",
        ["metadata"] = Metadata(name),
        ["rules"] = new JsonArray(rules),
    };

    private static JsonObject Binding(string name, string role, params string[] groups) => new()
    {
        ["apiVersion"] = "rbac.authorization.k8s.io/v1",
        ["kind"] = "ClusterRoleBinding",
        ["metadata"] = Metadata(name),
        ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "ClusterRole", ["name"] = role },
        ["subjects"] = new JsonArray([.. groups.Select(g => (JsonNode?)new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "Group", ["name"] = g })]),
    };

    private static JsonObject Metadata(string name) => new()
    {
        ["name"] = name,
        ["labels"] = new JsonObject { [BootstrapLabel] = "rbac-defaults" },
        ["annotations"] = new JsonObject { ["rbac.authorization.kubernetes.io/autoupdate"] = "true" },
    };

    private static JsonObject Rule(string[] verbs, string[] groups, string[] resources) =>
        new PolicyRule(verbs, groups, resources, [], []).ToJson();

    private static JsonObject NonResourceRule(string[] verbs, string[] urls) =>
        new PolicyRule(verbs, [], [], [], urls).ToJson();
}
