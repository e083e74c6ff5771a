using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluxSharp.LocalCluster.Authorization;

/// <summary>
/// metav1.LabelSelector matching (matchLabels + matchExpressions), needed for
/// ClusterRole aggregationRule.clusterRoleSelectors. An empty selector matches everything,
/// as LabelSelectorAsSelector does.
/// </summary>
internal static class LabelSelector
{
    public static bool Matches(JsonObject selector, JsonObject? labels)
    {
        if (selector["matchLabels"] is JsonObject matchLabels)
        {
            foreach (var (key, value) in matchLabels)
            {
                if (Label(labels, key) != AsString(value))
                {
                    return false;
                }
            }
        }

        if (selector["matchExpressions"] is JsonArray expressions)
        {
            foreach (var expr in expressions.OfType<JsonObject>())
            {
                if (!ExpressionMatches(expr, labels))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool ExpressionMatches(JsonObject expr, JsonObject? labels)
    {
        var key = AsString(expr["key"]) ?? "";
        var values = expr["values"] is JsonArray a ? a.Select(AsString).ToList() : [];
        var actual = Label(labels, key);
        return AsString(expr["operator"]) switch
        {
            "In" => actual is not null && values.Contains(actual),
            "NotIn" => actual is null || !values.Contains(actual),
            "Exists" => actual is not null,
            "DoesNotExist" => actual is null,
            _ => false, // an invalid operator selects nothing, like a selector that fails to parse
        };
    }

    private static string? Label(JsonObject? labels, string key) =>
        labels is not null && labels.TryGetPropertyValue(key, out var v) ? AsString(v) ?? "" : null;

    private static string? AsString(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : node?.ToJsonString();
}
