using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Objects;

namespace FluxSharp.LocalCluster.Selectors;

/// <summary>
/// A field selector (`metadata.name=x,metadata.namespace!=y`). Every kind supports metadata.name and metadata.namespace;
/// other dotted paths (involvedObject.name for events, spec.nodeName, status.phase...) are read off the object.
/// </summary>
public sealed class FieldSelector
{
    private readonly List<(string Path, bool Equal, string Value)> _terms;

    private FieldSelector(List<(string, bool, string)> terms) => _terms = terms;

    public bool IsEmpty => _terms.Count == 0;

    public static FieldSelector Parse(string? text)
    {
        var terms = new List<(string, bool, string)>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return new FieldSelector(terms);
        }

        foreach (var raw in text.Split(','))
        {
            var part = raw.Trim();
            if (part.Length == 0)
            {
                continue;
            }

            var (token, equal) = part.Contains("!=", StringComparison.Ordinal) ? ("!=", false) : part.Contains("==", StringComparison.Ordinal) ? ("==", true) : ("=", true);
            var idx = part.IndexOf(token, StringComparison.Ordinal);
            if (idx <= 0)
            {
                throw ApiException.BadRequest($"invalid field selector: '{part}': no operator found");
            }

            terms.Add((part[..idx].Trim(), equal, part[(idx + token.Length)..].Trim()));
        }

        return new FieldSelector(terms);
    }

    /// <summary>The value a term pins metadata.name to (a get-like list), when there is one.</summary>
    public string? ExactName => _terms.FirstOrDefault(t => t.Path == "metadata.name" && t.Equal).Value;

    public bool Matches(JsonObject obj)
    {
        foreach (var (path, equal, value) in _terms)
        {
            var node = Obj.At(obj, path.Split('.'));
            var actual = node switch
            {
                null => string.Empty,
                JsonValue v when v.TryGetValue<string>(out var s) => s,
                _ => node.ToJsonString(),
            };
            if ((actual == value) != equal)
            {
                return false;
            }
        }

        return true;
    }
}
