using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Authorization;
using Microsoft.Extensions.Primitives;

namespace FluxSharp.LocalCluster.Tests.Authorization;

public class RbacAuthorizerTests
{
    private static readonly UserInfo Deployer = UserInfo.ServiceAccount("team-a", "deployer");

    [Fact]
    public void RoleAndRoleBindingAllowOnlyInTheirNamespace()
    {
        var source = new FakeSource();
        source.Add(Role("team-a", "deploy", Rule(["create", "get"], ["apps"], ["deployments"])));
        source.Add(RoleBinding("team-a", "deploy-binding", "Role", "deploy", Subject("ServiceAccount", "deployer", "team-a")));

        Assert.True(RbacAuthorizer.Allows(Deployer, Create("apps", "deployments", "team-a"), source));
        Assert.False(RbacAuthorizer.Allows(Deployer, Create("apps", "deployments", "team-b"), source));
        Assert.False(RbacAuthorizer.Allows(Deployer, Create("", "configmaps", "team-a"), source));
        Assert.False(RbacAuthorizer.Allows(Deployer, RequestAttributes.ForResource("delete", "apps", "deployments", "team-a", "x"), source));
    }

    [Fact]
    public void ServiceAccountSubjectDefaultsToTheBindingNamespace()
    {
        var source = new FakeSource();
        source.Add(Role("team-a", "r", Rule(["*"], [""], ["configmaps"])));
        source.Add(RoleBinding("team-a", "b", "Role", "r", Subject("ServiceAccount", "deployer")));

        Assert.True(RbacAuthorizer.Allows(Deployer, Create("", "configmaps", "team-a"), source));
        Assert.False(RbacAuthorizer.Allows(UserInfo.ServiceAccount("team-b", "deployer"), Create("", "configmaps", "team-a"), source));
    }

    [Fact]
    public void ClusterRoleThroughRoleBindingIsScopedToTheNamespace()
    {
        var source = new FakeSource();
        source.Add(ClusterRole("cluster-admin-ish", Rule(["*"], ["*"], ["*"])));
        source.Add(RoleBinding("team-a", "b", "ClusterRole", "cluster-admin-ish", Subject("ServiceAccount", "deployer", "team-a")));

        Assert.True(RbacAuthorizer.Allows(Deployer, Create("apps", "deployments", "team-a"), source));
        Assert.False(RbacAuthorizer.Allows(Deployer, Create("apps", "deployments", "team-b"), source));
        Assert.False(RbacAuthorizer.Allows(Deployer, RequestAttributes.ForResource("list", "", "namespaces"), source));
    }

    [Fact]
    public void ClusterRoleBindingAllowsEverywhereAndClusterScoped()
    {
        var source = new FakeSource();
        source.Add(ClusterRole("ns-reader", Rule(["get", "list", "watch"], [""], ["namespaces", "pods"])));
        source.Add(ClusterRoleBinding("b", "ns-reader", Subject("User", "alice")));
        var alice = UserInfo.User("alice");

        Assert.True(RbacAuthorizer.Allows(alice, RequestAttributes.ForResource("list", "", "namespaces"), source));
        Assert.True(RbacAuthorizer.Allows(alice, RequestAttributes.ForResource("watch", "", "pods", "anywhere"), source));
        Assert.False(RbacAuthorizer.Allows(UserInfo.User("bob"), RequestAttributes.ForResource("list", "", "namespaces"), source));
    }

    [Fact]
    public void GroupSubjectsMatchImplicitServiceAccountGroups()
    {
        var source = new FakeSource();
        source.Add(ClusterRole("r", Rule(["get"], [""], ["secrets"])));
        source.Add(ClusterRoleBinding("b", "r", Subject("Group", "system:serviceaccounts:team-a")));

        Assert.True(RbacAuthorizer.Allows(Deployer, RequestAttributes.ForResource("get", "", "secrets", "x", "s"), source));
        Assert.False(RbacAuthorizer.Allows(UserInfo.ServiceAccount("team-b", "deployer"), RequestAttributes.ForResource("get", "", "secrets", "x", "s"), source));
    }

    [Fact]
    public void ResourceNamesSubresourcesAndWildcards()
    {
        var source = new FakeSource();
        source.Add(Role("ns", "r",
            Rule(["get", "update"], [""], ["configmaps"], names: ["allowed"]),
            Rule(["patch"], ["*"], ["*/status"]),
            Rule(["get"], ["apps"], ["deployments/scale"])));
        source.Add(RoleBinding("ns", "b", "Role", "r", Subject("User", "u")));
        var u = UserInfo.User("u");

        Assert.True(RbacAuthorizer.Allows(u, RequestAttributes.ForResource("get", "", "configmaps", "ns", "allowed"), source));
        Assert.False(RbacAuthorizer.Allows(u, RequestAttributes.ForResource("get", "", "configmaps", "ns", "other"), source));
        Assert.False(RbacAuthorizer.Allows(u, RequestAttributes.ForResource("list", "", "configmaps", "ns"), source));
        Assert.True(RbacAuthorizer.Allows(u, RequestAttributes.ForResource("patch", "apps", "deployments", "ns", "d", "status"), source));
        Assert.False(RbacAuthorizer.Allows(u, RequestAttributes.ForResource("patch", "apps", "deployments", "ns", "d"), source));
        Assert.True(RbacAuthorizer.Allows(u, RequestAttributes.ForResource("get", "apps", "deployments", "ns", "d", "scale"), source));
        Assert.False(RbacAuthorizer.Allows(u, RequestAttributes.ForResource("get", "apps", "deployments", "ns", "d"), source));
    }

    [Fact]
    public void NonResourceUrlsWithPrefixWildcardAndBootstrapDiscovery()
    {
        var source = new FakeSource();
        source.Add(ClusterRole("metrics", new JsonObject { ["verbs"] = new JsonArray("get"), ["nonResourceURLs"] = new JsonArray("/metrics/*") }));
        source.Add(ClusterRoleBinding("b", "metrics", Subject("User", "u")));
        var u = UserInfo.User("u");

        Assert.True(RbacAuthorizer.Allows(u, RequestAttributes.ForPath("get", "/metrics/cadvisor"), source));
        Assert.False(RbacAuthorizer.Allows(u, RequestAttributes.ForPath("post", "/metrics/cadvisor"), source));
        // Discovery is open to every authenticated identity through the bootstrap system:discovery role.
        Assert.True(RbacAuthorizer.Allows(Deployer, RequestAttributes.ForPath("get", "/apis/apps/v1"), source));
        Assert.False(RbacAuthorizer.Allows(new UserInfo("nobody", []), RequestAttributes.ForPath("get", "/apis"), source));
    }

    [Fact]
    public void SystemMastersAndBootstrapClusterAdmin()
    {
        var source = new FakeSource();
        Assert.True(RbacAuthorizer.Allows(UserInfo.User("root", "system:masters"), Create("apps", "deployments", "any"), source));

        // Flux tenants are commonly bound to cluster-admin with a RoleBinding; it exists without being stored.
        source.Add(RoleBinding("team-a", "gotk-reconciler", "ClusterRole", "cluster-admin", Subject("ServiceAccount", "deployer", "team-a")));
        Assert.True(RbacAuthorizer.Allows(Deployer, Create("apps", "deployments", "team-a"), source));
        Assert.False(RbacAuthorizer.Allows(Deployer, Create("apps", "deployments", "team-b"), source));
    }

    [Fact]
    public void AggregatedClusterRolesUnionTheSelectedRoles()
    {
        var source = new FakeSource();
        var aggregate = ClusterRole("monitoring", Rule(["delete"], [""], ["pods"]));
        aggregate["aggregationRule"] = new JsonObject
        {
            ["clusterRoleSelectors"] = new JsonArray(new JsonObject { ["matchLabels"] = new JsonObject { ["rbac.example.com/aggregate-to-monitoring"] = "true" } }),
        };
        source.Add(aggregate);
        source.Add(Labelled(ClusterRole("monitoring-endpoints", Rule(["get", "list"], [""], ["endpoints"])), "rbac.example.com/aggregate-to-monitoring", "true"));
        source.Add(Labelled(ClusterRole("monitoring-services", Rule(["get"], [""], ["services"])), "rbac.example.com/aggregate-to-monitoring", "true"));
        source.Add(Labelled(ClusterRole("unrelated", Rule(["get"], [""], ["secrets"])), "other", "true"));
        source.Add(ClusterRoleBinding("b", "monitoring", Subject("User", "u")));
        var u = UserInfo.User("u");

        Assert.True(RbacAuthorizer.Allows(u, RequestAttributes.ForResource("list", "", "endpoints", "x"), source));
        Assert.True(RbacAuthorizer.Allows(u, RequestAttributes.ForResource("get", "", "services", "x", "s"), source));
        Assert.False(RbacAuthorizer.Allows(u, RequestAttributes.ForResource("get", "", "secrets", "x", "s"), source));
        // The controller replaces an aggregated role's own rules with the aggregation.
        Assert.False(RbacAuthorizer.Allows(u, RequestAttributes.ForResource("delete", "", "pods", "x", "p"), source));
    }

    [Fact]
    public void ForbiddenMessagesMatchTheApiserverWording()
    {
        Assert.Equal(
            "deployments.apps \"x\" is forbidden: User \"system:serviceaccount:team-a:deployer\" cannot create resource \"deployments\" in API group \"apps\" in the namespace \"team-b\"",
            RbacAuthorizer.ForbiddenMessage(Deployer, RequestAttributes.ForResource("create", "apps", "deployments", "team-b", "x")));
        Assert.Equal(
            "namespaces is forbidden: User \"system:serviceaccount:team-a:deployer\" cannot list resource \"namespaces\" in API group \"\" at the cluster scope",
            RbacAuthorizer.ForbiddenMessage(Deployer, RequestAttributes.ForResource("list", "", "namespaces")));
        Assert.Equal(
            "pods \"p\" is forbidden: User \"u\" cannot create resource \"pods/exec\" in API group \"\" in the namespace \"ns\"",
            RbacAuthorizer.ForbiddenMessage(UserInfo.User("u"), RequestAttributes.ForResource("create", "", "pods", "ns", "p", "exec")));
        Assert.Equal(
            "forbidden: User \"u\" cannot get path \"/metrics\"",
            RbacAuthorizer.ForbiddenMessage(UserInfo.User("u"), RequestAttributes.ForPath("get", "/metrics")));
    }

    [Fact]
    public void MissingRoleIsReportedAsTheReason()
    {
        var source = new FakeSource();
        source.Add(RoleBinding("ns", "b", "Role", "gone", Subject("User", "u")));
        var attrs = RequestAttributes.ForResource("list", "", "pods", "ns");

        var decision = RbacAuthorizer.Authorize(UserInfo.User("u"), attrs, source);
        Assert.False(decision.Allowed);
        Assert.Equal("RBAC: role.rbac.authorization.k8s.io \"gone\" not found", decision.Reason);
        var error = RbacAuthorizer.Forbidden(UserInfo.User("u"), attrs, decision.Reason);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, error.Code);
        Assert.Equal("pods is forbidden: User \"u\" cannot list resource \"pods\" in API group \"\" in the namespace \"ns\": RBAC: role.rbac.authorization.k8s.io \"gone\" not found", error.Message);
        Assert.Equal("pods", error.DetailsKind);
    }

    [Fact]
    public void ImpersonationHeadersBuildTheUser()
    {
        Assert.Null(Impersonation.FromHeaders(Headers()));

        var sa = Impersonation.FromHeaders(Headers(("Impersonate-User", ["system:serviceaccount:team-a:deployer"])))!;
        Assert.Equal(["system:serviceaccounts", "system:serviceaccounts:team-a", "system:authenticated"], sa.Groups);

        var user = Impersonation.FromHeaders(Headers(
            ("impersonate-user", ["jane"]),
            ("Impersonate-Group", ["devs", "ops"]),
            ("Impersonate-Uid", ["123"]),
            ("Impersonate-Extra-Scopes%2Fa", ["view"])))!;
        Assert.Equal("jane", user.Name);
        Assert.Equal(["devs", "ops", "system:authenticated"], user.Groups);
        Assert.Equal("123", user.Uid);
        Assert.Equal(["view"], user.Extra["scopes/a"]);

        var error = Assert.Throws<ApiException>(() => Impersonation.FromHeaders(Headers(("Impersonate-Group", ["devs"]))));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.Code);
    }

    private static List<KeyValuePair<string, StringValues>> Headers(params (string Name, string[] Values)[] headers) =>
        [.. headers.Select(h => new KeyValuePair<string, StringValues>(h.Name, new StringValues(h.Values)))];

    private static RequestAttributes Create(string group, string resource, string ns) => RequestAttributes.ForResource("create", group, resource, ns, "x");

    private static JsonObject Rule(string[] verbs, string[] groups, string[] resources, string[]? names = null)
    {
        var rule = new JsonObject
        {
            ["verbs"] = new JsonArray([.. verbs.Select(v => (JsonNode?)v)]),
            ["apiGroups"] = new JsonArray([.. groups.Select(v => (JsonNode?)v)]),
            ["resources"] = new JsonArray([.. resources.Select(v => (JsonNode?)v)]),
        };
        if (names is not null)
        {
            rule["resourceNames"] = new JsonArray([.. names.Select(v => (JsonNode?)v)]);
        }

        return rule;
    }

    private static JsonObject Subject(string kind, string name, string? ns = null)
    {
        var s = new JsonObject { ["kind"] = kind, ["name"] = name };
        if (ns is not null)
        {
            s["namespace"] = ns;
        }

        return s;
    }

    private static JsonObject Meta(string name, string? ns) => ns is null ? new JsonObject { ["name"] = name } : new JsonObject { ["name"] = name, ["namespace"] = ns };

    private static JsonObject Role(string ns, string name, params JsonObject[] rules) =>
        new() { ["kind"] = "Role", ["metadata"] = Meta(name, ns), ["rules"] = new JsonArray(rules) };

    private static JsonObject ClusterRole(string name, params JsonObject[] rules) =>
        new() { ["kind"] = "ClusterRole", ["metadata"] = Meta(name, null), ["rules"] = new JsonArray(rules) };

    private static JsonObject Labelled(JsonObject obj, string key, string value)
    {
        ((JsonObject)obj["metadata"]!)["labels"] = new JsonObject { [key] = value };
        return obj;
    }

    private static JsonObject RoleBinding(string ns, string name, string roleKind, string role, params JsonObject[] subjects) =>
        new()
        {
            ["kind"] = "RoleBinding",
            ["metadata"] = Meta(name, ns),
            ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = roleKind, ["name"] = role },
            ["subjects"] = new JsonArray(subjects),
        };

    private static JsonObject ClusterRoleBinding(string name, string role, params JsonObject[] subjects) =>
        new()
        {
            ["kind"] = "ClusterRoleBinding",
            ["metadata"] = Meta(name, null),
            ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "ClusterRole", ["name"] = role },
            ["subjects"] = new JsonArray(subjects),
        };

    private sealed class FakeSource : IRbacSource
    {
        private readonly List<JsonObject> objects = [];

        public void Add(JsonObject obj) => objects.Add(obj);

        public IEnumerable<JsonObject> Roles(string ns) => Of("Role", ns);

        public IEnumerable<JsonObject> RoleBindings(string ns) => Of("RoleBinding", ns);

        public IEnumerable<JsonObject> ClusterRoles() => Of("ClusterRole", null);

        public IEnumerable<JsonObject> ClusterRoleBindings() => Of("ClusterRoleBinding", null);

        private IEnumerable<JsonObject> Of(string kind, string? ns) =>
            objects.Where(o => (string?)o["kind"] == kind && (string?)o["metadata"]!["namespace"] == ns);
    }
}
