using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluxSharp.LocalCluster.Apply;

/// <summary>
/// A total order over JSON values matching structured-merge-diff's value.Compare
/// (numbers, then strings, booleans, lists, maps, null), used to sort set and key elements.
/// </summary>
internal static class JsonValueOrder
{
    public static int Compare(JsonNode? a, JsonNode? b)
    {
        var ra = Rank(a);
        var rb = Rank(b);
        if (ra != rb)
        {
            return ra.CompareTo(rb);
        }

        return ra switch
        {
            0 => a!.GetValue<double>().CompareTo(b!.GetValue<double>()),
            1 => string.CompareOrdinal(a!.GetValue<string>(), b!.GetValue<string>()),
            2 => a!.GetValue<bool>().CompareTo(b!.GetValue<bool>()),
            5 => 0,
            _ => string.CompareOrdinal(PathElement.Canonical(a), PathElement.Canonical(b)),
        };
    }

    private static int Rank(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.Number => 0,
        JsonValueKind.String => 1,
        JsonValueKind.True or JsonValueKind.False => 2,
        JsonValueKind.Array => 3,
        JsonValueKind.Object => 4,
        _ => 5,
    };
}
