using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluxSharp.LocalCluster.Apply;

/// <summary>What a path element selects: a field, a keyed list item, a set item, or an index in an atomic list.</summary>
public enum PathElementKind
{
    Field,
    Key,
    Value,
    Index,
}

/// <summary>
/// One step of a field path, as structured-merge-diff names them: "f:name", "k:{...}", "v:value", "i:0".
/// Immutable; equality uses a canonical text (field name, or compact JSON of the key/value with key fields
/// sorted by name) so elements built from objects and parsed from fieldsV1 compare equal.
/// </summary>
public sealed class PathElement : IEquatable<PathElement>
{
    internal static readonly JsonSerializerOptions CanonicalOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly string text;
    private readonly int hash;

    private PathElement(PathElementKind kind, string text, IReadOnlyList<KeyValuePair<string, JsonNode?>> keyFields, JsonNode? value, int index)
    {
        Kind = kind;
        this.text = text;
        KeyFields = keyFields;
        Value = value;
        Index = index;
        hash = HashCode.Combine(kind, StringComparer.Ordinal.GetHashCode(text));
    }

    public PathElementKind Kind { get; }

    /// <summary>The field name when <see cref="Kind"/> is Field.</summary>
    public string? FieldName => Kind == PathElementKind.Field ? text : null;

    /// <summary>The key fields, sorted by name, when <see cref="Kind"/> is Key.</summary>
    public IReadOnlyList<KeyValuePair<string, JsonNode?>> KeyFields { get; }

    /// <summary>The item value when <see cref="Kind"/> is Value.</summary>
    public JsonNode? Value { get; }

    /// <summary>The index when <see cref="Kind"/> is Index.</summary>
    public int Index { get; }

    public static PathElement Field(string name) => new(PathElementKind.Field, name, [], null, 0);

    /// <summary>A keyed list item; the fields are sorted by name as the wire format requires.</summary>
    public static PathElement Key(IEnumerable<KeyValuePair<string, JsonNode?>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var sorted = fields.ToArray();
        Array.Sort(sorted, (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var sb = new StringBuilder("{");
        for (var i = 0; i < sorted.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append(Canonical(JsonValue.Create(sorted[i].Key))).Append(':').Append(Canonical(sorted[i].Value));
        }

        sb.Append('}');
        return new PathElement(PathElementKind.Key, sb.ToString(), sorted, null, 0);
    }

    public static PathElement ForValue(JsonNode? value) => new(PathElementKind.Value, Canonical(value), [], value, 0);

    public static PathElement ForIndex(int index) => new(PathElementKind.Index, index.ToString(CultureInfo.InvariantCulture), [], null, index);

    /// <summary>Parses one fieldsV1 key ("f:spec", "k:{\"name\":\"x\"}", "v:\"a\"", "i:0").</summary>
    public static PathElement ParseFieldsV1Key(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < 2 || key[1] != ':')
        {
            throw ApiException.BadRequest($"invalid managedFields path element \"{key}\"");
        }

        var body = key[2..];
        try
        {
            switch (key[0])
            {
                case 'f':
                    return Field(body);
                case 'k':
                    if (JsonNode.Parse(body) is not JsonObject keyObject)
                    {
                        break;
                    }

                    return Key(keyObject.Select(p => new KeyValuePair<string, JsonNode?>(p.Key, p.Value)).ToList());
                case 'v':
                    return ForValue(JsonNode.Parse(body));
                case 'i':
                    if (int.TryParse(body, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                    {
                        return ForIndex(index);
                    }

                    break;
            }
        }
        catch (JsonException)
        {
        }

        throw ApiException.BadRequest($"invalid managedFields path element \"{key}\"");
    }

    /// <summary>The fieldsV1 key of this element.</summary>
    public string ToFieldsV1Key() => Kind switch
    {
        PathElementKind.Field => "f:" + text,
        PathElementKind.Key => "k:" + text,
        PathElementKind.Value => "v:" + text,
        _ => "i:" + text,
    };

    /// <summary>The path form apiserver conflict messages use: ".spec", "[name=\"app\"]", "[=\"a\"]", "[0]".</summary>
    public override string ToString() => Kind switch
    {
        PathElementKind.Field => "." + text,
        PathElementKind.Key => "[" + string.Join(",", KeyFields.Select(f => f.Key + "=" + Canonical(f.Value))) + "]",
        PathElementKind.Value => "[=" + text + "]",
        _ => "[" + text + "]",
    };

    public bool Equals(PathElement? other) =>
        other is not null && (ReferenceEquals(this, other) || (Kind == other.Kind && hash == other.hash && string.Equals(text, other.text, StringComparison.Ordinal)));

    public override bool Equals(object? obj) => Equals(obj as PathElement);

    public override int GetHashCode() => hash;

    /// <summary>structured-merge-diff's order: fields, then keys, then values, then indexes.</summary>
    public int CompareTo(PathElement? other)
    {
        if (other is null)
        {
            return 1;
        }

        if (Kind != other.Kind)
        {
            return Kind.CompareTo(other.Kind);
        }

        switch (Kind)
        {
            case PathElementKind.Field:
                return string.CompareOrdinal(text, other.text);
            case PathElementKind.Key:
                for (var i = 0; ; i++)
                {
                    if (i >= KeyFields.Count || i >= other.KeyFields.Count)
                    {
                        return KeyFields.Count.CompareTo(other.KeyFields.Count);
                    }

                    var c = string.CompareOrdinal(KeyFields[i].Key, other.KeyFields[i].Key);
                    if (c == 0)
                    {
                        c = JsonValueOrder.Compare(KeyFields[i].Value, other.KeyFields[i].Value);
                    }

                    if (c != 0)
                    {
                        return c;
                    }
                }

            case PathElementKind.Value:
                return JsonValueOrder.Compare(Value, other.Value);
            default:
                return Index.CompareTo(other.Index);
        }
    }

    internal static string Canonical(JsonNode? value) => value is null ? "null" : value.ToJsonString(CanonicalOptions);
}
