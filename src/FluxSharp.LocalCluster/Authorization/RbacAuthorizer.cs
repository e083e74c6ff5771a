using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluxSharp.LocalCluster.Authorization;

/// <summary>The outcome of an authorization check; Reason explains a denial ("RBAC: role... not found").</summary>
public sealed record AuthorizationDecision(bool Allowed, string Reason);

/// <summary>
/// Kubernetes RBAC evaluated directly over the stored Role/RoleBinding/ClusterRole/ClusterRoleBinding
/// objects (plugin/pkg/auth/authorizer/rbac), preceded by the system:masters superuser check the
/// apiserver puts first in its authorizer chain. Aggregated ClusterRoles are resolved on the fly
/// (there is no aggregation controller writing their rules back).
/// </summary>
public static class RbacAuthorizer
{
    private const string RbacGroup = "rbac.authorization.k8s.io";

    public static bool Allows(UserInfo user, RequestAttributes attrs, IRbacSource source) =>
        Authorize(user, attrs, source).Allowed;

    public static AuthorizationDecision Authorize(UserInfo user, RequestAttributes attrs, IRbacSource source)
    {
        if (user.InGroup(UserInfo.SystemMasters))
        {
            return new(true, "");
        }

        var resolver = new RoleResolver(source);
        var errors = new List<string>();

        // Same order as the RBAC visitor: cluster role bindings, then the request namespace's role bindings.
        foreach (var binding in resolver.ClusterRoleBindings())
        {
            if (AppliesTo(user, binding, bindingNamespace: "") && AnyRuleAllows(resolver.RulesFor(RoleRef(binding), "", errors), attrs))
            {
                return new(true, "");
            }
        }

        if (!string.IsNullOrEmpty(attrs.Namespace))
        {
            foreach (var binding in source.RoleBindings(attrs.Namespace))
            {
                if (AppliesTo(user, binding, attrs.Namespace) && AnyRuleAllows(resolver.RulesFor(RoleRef(binding), attrs.Namespace, errors), attrs))
                {
                    return new(true, "");
                }
            }
        }

        var reason = errors.Count switch
        {
            0 => "",
            1 => "RBAC: " + errors[0],
            _ => "RBAC: [" + string.Join(", ", errors) + "]",
        };
        return new(false, reason);
    }

    /// <summary>
    /// The Forbidden Status message as k8s.io/apiserver writes it (responsewriters.forbiddenMessage
    /// wrapped by apierrors.NewForbidden), e.g.
    /// <c>deployments.apps "x" is forbidden: User "u" cannot create resource "deployments" in API group "apps" in the namespace "ns"</c>.
    /// </summary>
    public static string ForbiddenMessage(UserInfo user, RequestAttributes attrs) => ForbiddenMessage(user, attrs, null);

    /// <summary>As <see cref="ForbiddenMessage(UserInfo, RequestAttributes)"/>, with the authorizer's reason appended after ": ".</summary>
    public static string ForbiddenMessage(UserInfo user, RequestAttributes attrs, string? reason)
    {
        string detail;
        if (!attrs.IsResourceRequest)
        {
            detail = $"User \"{user.Name}\" cannot {attrs.Verb} path \"{attrs.Path}\"";
        }
        else
        {
            var resource = string.IsNullOrEmpty(attrs.Subresource) ? attrs.Resource : attrs.Resource + "/" + attrs.Subresource;
            detail = string.IsNullOrEmpty(attrs.Namespace)
                ? $"User \"{user.Name}\" cannot {attrs.Verb} resource \"{resource}\" in API group \"{attrs.ApiGroup}\" at the cluster scope"
                : $"User \"{user.Name}\" cannot {attrs.Verb} resource \"{resource}\" in API group \"{attrs.ApiGroup}\" in the namespace \"{attrs.Namespace}\"";
        }

        if (!string.IsNullOrEmpty(reason))
        {
            detail += ": " + reason;
        }

        // NewForbidden: the qualified resource excludes the subresource; empty for non-resource URLs.
        if (!attrs.IsResourceRequest || attrs.Resource.Length == 0)
        {
            return "forbidden: " + detail;
        }

        var qualified = attrs.ApiGroup.Length == 0 ? attrs.Resource : $"{attrs.Resource}.{attrs.ApiGroup}";
        return string.IsNullOrEmpty(attrs.Name) ? $"{qualified} is forbidden: {detail}" : $"{qualified} \"{attrs.Name}\" is forbidden: {detail}";
    }

    /// <summary>The 403 ApiException for a denied request, with Status details (group, kind=resource, name) filled in.</summary>
    public static ApiException Forbidden(UserInfo user, RequestAttributes attrs, string? reason = null) =>
        new(HttpStatusCode.Forbidden, "Forbidden", ForbiddenMessage(user, attrs, reason))
        {
            DetailsGroup = attrs.IsResourceRequest ? attrs.ApiGroup : null,
            DetailsKind = attrs.IsResourceRequest && attrs.Resource.Length > 0 ? attrs.Resource : null,
            DetailsName = string.IsNullOrEmpty(attrs.Name) ? null : attrs.Name,
        };

    /// <summary>Authorizes and throws the Forbidden ApiException on denial.</summary>
    public static void EnsureAllowed(UserInfo user, RequestAttributes attrs, IRbacSource source)
    {
        var decision = Authorize(user, attrs, source);
        if (!decision.Allowed)
        {
            throw Forbidden(user, attrs, decision.Reason);
        }
    }

    /// <summary>All rules that apply to the user in a namespace ("" for cluster-wide only); what a SelfSubjectRulesReview reports.</summary>
    public static IReadOnlyList<PolicyRule> RulesFor(UserInfo user, string? ns, IRbacSource source)
    {
        var resolver = new RoleResolver(source);
        var errors = new List<string>();
        var rules = new List<PolicyRule>();
        if (user.InGroup(UserInfo.SystemMasters))
        {
            rules.Add(new PolicyRule(["*"], ["*"], ["*"], [], []));
            rules.Add(new PolicyRule(["*"], [], [], [], ["*"]));
        }

        foreach (var binding in resolver.ClusterRoleBindings().Where(b => AppliesTo(user, b, "")))
        {
            rules.AddRange(resolver.RulesFor(RoleRef(binding), "", errors));
        }

        if (!string.IsNullOrEmpty(ns))
        {
            foreach (var binding in source.RoleBindings(ns).Where(b => AppliesTo(user, b, ns)))
            {
                rules.AddRange(resolver.RulesFor(RoleRef(binding), ns, errors));
            }
        }

        return rules;
    }

    private static bool AnyRuleAllows(IReadOnlyList<PolicyRule> rules, RequestAttributes attrs) => rules.Any(r => r.Allows(attrs));

    private static (string Kind, string Name) RoleRef(JsonObject binding) =>
        binding["roleRef"] is JsonObject r ? (Str(r["kind"]), Str(r["name"])) : ("", "");

    /// <summary>rbac appliesToUser: User by name, Group by membership, ServiceAccount by its derived username.</summary>
    private static bool AppliesTo(UserInfo user, JsonObject binding, string bindingNamespace)
    {
        if (binding["subjects"] is not JsonArray subjects)
        {
            return false;
        }

        foreach (var subject in subjects.OfType<JsonObject>())
        {
            var name = Str(subject["name"]);
            var matches = Str(subject["kind"]) switch
            {
                "User" => user.Name == name,
                "Group" => user.InGroup(name),
                "ServiceAccount" => ServiceAccountMatches(user, Str(subject["namespace"]), name, bindingNamespace),
                _ => false,
            };
            if (matches)
            {
                return true;
            }
        }

        return false;
    }

    private static bool ServiceAccountMatches(UserInfo user, string subjectNamespace, string name, string bindingNamespace)
    {
        // A RoleBinding's SA subject defaults to the binding's namespace.
        var ns = subjectNamespace.Length > 0 ? subjectNamespace : bindingNamespace;
        return ns.Length > 0 && user.Name == UserInfo.ServiceAccountUsername(ns, name);
    }

    internal static string Str(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "";

    internal static string Name(JsonObject obj) => obj["metadata"] is JsonObject m ? Str(m["name"]) : "";

    /// <summary>Looks roles up for one authorization call, caching the cluster-role index and aggregations.</summary>
    private sealed class RoleResolver(IRbacSource source)
    {
        private Dictionary<string, JsonObject>? clusterRoles;
        private readonly Dictionary<string, IReadOnlyList<PolicyRule>> effective = new(StringComparer.Ordinal);

        public IEnumerable<JsonObject> ClusterRoleBindings()
        {
            var stored = source.ClusterRoleBindings().ToList();
            var names = stored.Select(Name).ToHashSet(StringComparer.Ordinal);
            return stored.Concat(BootstrapPolicy.ClusterRoleBindings().Where(b => !names.Contains(Name(b))));
        }

        public IReadOnlyList<PolicyRule> RulesFor((string Kind, string Name) roleRef, string bindingNamespace, List<string> errors)
        {
            switch (roleRef.Kind)
            {
                case "Role":
                    var role = source.Roles(bindingNamespace).FirstOrDefault(r => Name(r) == roleRef.Name);
                    if (role is null)
                    {
                        errors.Add($"role.{RbacGroup} \"{roleRef.Name}\" not found");
                        return [];
                    }

                    return PolicyRule.ListFromRole(role);
                case "ClusterRole":
                    var rules = ClusterRoleRules(roleRef.Name, []);
                    if (rules is null)
                    {
                        errors.Add($"clusterrole.{RbacGroup} \"{roleRef.Name}\" not found");
                        return [];
                    }

                    return rules;
                default:
                    errors.Add($"unsupported role reference kind: \"{roleRef.Kind}\"");
                    return [];
            }
        }

        /// <summary>
        /// A ClusterRole's effective rules; null when it does not exist. With an aggregationRule the
        /// rules are the de-duplicated union of the rules of every other ClusterRole any selector
        /// matches, in name order, replacing the role's own rules (as the aggregation controller does).
        /// </summary>
        private IReadOnlyList<PolicyRule>? ClusterRoleRules(string name, HashSet<string> visiting)
        {
            if (effective.TryGetValue(name, out var cached))
            {
                return cached;
            }

            var roles = ClusterRoleIndex();
            if (!roles.TryGetValue(name, out var role))
            {
                return null;
            }

            if (role["aggregationRule"] is not JsonObject aggregation || aggregation["clusterRoleSelectors"] is not JsonArray selectors)
            {
                return effective[name] = PolicyRule.ListFromRole(role);
            }

            // Aggregated roles may select other aggregated roles; guard against cycles. Only results
            // computed outside a cycle walk are cached, since inner ones may be cut short by the guard.
            var top = visiting.Count == 0;
            visiting.Add(name);
            var result = new List<PolicyRule>();
            foreach (var selector in selectors.OfType<JsonObject>())
            {
                foreach (var (otherName, other) in roles.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    if (otherName == name || visiting.Contains(otherName) || !Selectors.LabelSelector.FromObject(selector).Matches(other))
                    {
                        continue;
                    }

                    foreach (var rule in ClusterRoleRules(otherName, visiting) ?? [])
                    {
                        if (!result.Any(r => r.SameAs(rule)))
                        {
                            result.Add(rule);
                        }
                    }
                }
            }

            visiting.Remove(name);
            if (top)
            {
                effective[name] = result;
            }

            return result;
        }

        private Dictionary<string, JsonObject> ClusterRoleIndex()
        {
            if (clusterRoles is null)
            {
                clusterRoles = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
                foreach (var role in source.ClusterRoles())
                {
                    clusterRoles[Name(role)] = role;
                }

                foreach (var role in BootstrapPolicy.ClusterRoles())
                {
                    clusterRoles.TryAdd(Name(role), role);
                }
            }

            return clusterRoles;
        }
    }
}
