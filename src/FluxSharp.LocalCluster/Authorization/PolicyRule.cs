using System.Text.Json.Nodes;

namespace FluxSharp.LocalCluster.Authorization;

/// <summary>
/// One rbac/v1 PolicyRule, read from JSON, with the matching semantics of
/// k8s plugin/pkg/auth/authorizer/rbac (RuleAllows and the rbacv1 helpers).
/// </summary>
public sealed record PolicyRule(
    IReadOnlyList<string> Verbs,
    IReadOnlyList<string> ApiGroups,
    IReadOnlyList<string> Resources,
    IReadOnlyList<string> ResourceNames,
    IReadOnlyList<string> NonResourceUrls)
{
    private const string All = "*";

    public static PolicyRule FromJson(JsonObject rule) => new(
        Strings(rule["verbs"]),
        Strings(rule["apiGroups"]),
        Strings(rule["resources"]),
        Strings(rule["resourceNames"]),
        Strings(rule["nonResourceURLs"]));

    /// <summary>The rules of a Role or ClusterRole object ("rules", absent means none).</summary>
    public static IReadOnlyList<PolicyRule> ListFromRole(JsonObject role) =>
        role["rules"] is JsonArray rules ? [.. rules.OfType<JsonObject>().Select(FromJson)] : [];

    public JsonObject ToJson()
    {
        var o = new JsonObject();
        Add(o, "verbs", Verbs);
        Add(o, "apiGroups", ApiGroups);
        Add(o, "resources", Resources);
        Add(o, "resourceNames", ResourceNames);
        Add(o, "nonResourceURLs", NonResourceUrls);
        return o;
    }

    public bool Allows(RequestAttributes attrs)
    {
        if (!VerbMatches(attrs.Verb))
        {
            return false;
        }

        if (!attrs.IsResourceRequest)
        {
            return NonResourceUrlMatches(attrs.Path!);
        }

        // Rules name subresources as "resource/subresource" (or "*/subresource").
        var combined = string.IsNullOrEmpty(attrs.Subresource) ? attrs.Resource : attrs.Resource + "/" + attrs.Subresource;
        return ApiGroupMatches(attrs.ApiGroup)
            && ResourceMatches(combined, attrs.Subresource)
            && ResourceNameMatches(attrs.Name);
    }

    /// <summary>Structural equality, used to de-duplicate aggregated rules as the aggregation controller does.</summary>
    public bool SameAs(PolicyRule other) =>
        Verbs.SequenceEqual(other.Verbs) && ApiGroups.SequenceEqual(other.ApiGroups) && Resources.SequenceEqual(other.Resources)
        && ResourceNames.SequenceEqual(other.ResourceNames) && NonResourceUrls.SequenceEqual(other.NonResourceUrls);

    private bool VerbMatches(string verb) => Verbs.Any(v => v == All || v == verb);

    private bool ApiGroupMatches(string group) => ApiGroups.Any(g => g == All || g == group);

    private bool ResourceMatches(string combined, string? subresource)
    {
        foreach (var r in Resources)
        {
            if (r == All || r == combined)
            {
                return true;
            }

            // "*/status" matches the status subresource of every resource.
            if (!string.IsNullOrEmpty(subresource) && r.Length == subresource.Length + 2 && r.StartsWith("*/", StringComparison.Ordinal) && r.EndsWith(subresource, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private bool ResourceNameMatches(string? name) =>
        ResourceNames.Count == 0 || ResourceNames.Any(n => n == name);

    private bool NonResourceUrlMatches(string path)
    {
        foreach (var url in NonResourceUrls)
        {
            if (url == All || url == path)
            {
                return true;
            }

            // "/apis/*" is a prefix match on "/apis/".
            if (url.EndsWith('*') && path.StartsWith(url.TrimEnd('*'), StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static List<string> Strings(JsonNode? node) =>
        node is JsonArray a ? [.. a.Select(n => n?.GetValueKind() == System.Text.Json.JsonValueKind.String ? n.GetValue<string>() : n?.ToJsonString() ?? "")] : [];

    private static void Add(JsonObject o, string key, IReadOnlyList<string> values)
    {
        if (values.Count > 0)
        {
            o[key] = new JsonArray([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);
        }
    }
}
