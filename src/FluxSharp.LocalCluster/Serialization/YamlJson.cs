using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace FluxSharp.LocalCluster.Serialization;

/// <summary>
/// YAML ⇄ JsonNode with the scalar typing kubectl (sigs.k8s.io/yaml, YAML 1.1 rules) applies:
/// unquoted true/false/yes/no/on/off, null/~/empty, integers (also 0x/0o/0b, octal 0NN) and floats
/// are typed; quoted or !!str scalars stay strings. Anchors, aliases and merge keys (&lt;&lt;) are resolved.
/// </summary>
public static class YamlJson
{
    /// <summary>The first document; null for an empty document.</summary>
    public static JsonNode? Parse(string yaml) => ParseAll(yaml).FirstOrDefault();

    /// <summary>Every document of a multi-document stream ("---" separated).</summary>
    public static IEnumerable<JsonNode?> ParseAll(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var stream = new YamlStream();
        using var reader = new StringReader(yaml);
        stream.Load(new MergingParser(new Parser(reader)));
        return stream.Documents.Select(d => Convert(d.RootNode)).ToList();
    }

    public static string ToYaml(JsonNode? node)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        var emitter = new Emitter(writer);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart(null, null, true));
        Emit(emitter, node);
        emitter.Emit(new DocumentEnd(true));
        emitter.Emit(new StreamEnd());
        return writer.ToString();
    }

    private static JsonNode? Convert(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (key, value) in map.Children)
                {
                    var name = key is YamlScalarNode s ? s.Value ?? "null" : key.ToString();
                    obj[name] = Convert(value);
                }

                return obj;
            case YamlSequenceNode seq:
                return new JsonArray(seq.Children.Select(Convert).ToArray());
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                return null;
        }
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
        if (tag is "tag:yaml.org,2002:str" || (scalar.Style is not ScalarStyle.Plain && tag is null))
        {
            return JsonValue.Create(text);
        }

        if (tag is "tag:yaml.org,2002:null" || text is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        switch (text)
        {
            case "true" or "True" or "TRUE" or "yes" or "Yes" or "YES" or "on" or "On" or "ON" or "y" or "Y":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE" or "no" or "No" or "NO" or "off" or "Off" or "OFF" or "n" or "N":
                return JsonValue.Create(false);
        }

        if (TryInteger(text, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (TryFloat(text, out var number))
        {
            return JsonValue.Create(number);
        }

        return JsonValue.Create(text);
    }

    private static bool TryInteger(string text, out long value)
    {
        value = 0;
        var s = text.Replace("_", string.Empty, StringComparison.Ordinal);
        var negative = s.StartsWith('-');
        var body = s.TrimStart('+', '-');
        if (body.Length == 0 || s.Length - body.Length > 1)
        {
            return false;
        }

        ulong magnitude = 0;
        bool ok;
        if (body.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            ok = ulong.TryParse(body[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out magnitude);
        }
        else if (body.StartsWith("0b", StringComparison.OrdinalIgnoreCase))
        {
            ok = TryBase(body[2..], 2, out magnitude);
        }
        else if (body.StartsWith("0o", StringComparison.OrdinalIgnoreCase))
        {
            ok = TryBase(body[2..], 8, out magnitude);
        }
        else if (body.Length > 1 && body[0] == '0')
        {
            ok = TryBase(body[1..], 8, out magnitude);
        }
        else
        {
            ok = body.All(char.IsAsciiDigit) && ulong.TryParse(body, NumberStyles.None, CultureInfo.InvariantCulture, out magnitude);
        }

        if (!ok || magnitude > (negative ? 9223372036854775808UL : long.MaxValue))
        {
            return false;
        }

        value = negative ? (long)(0 - magnitude) : (long)magnitude;
        return true;
    }

    private static bool TryBase(string digits, int radix, out ulong value)
    {
        value = 0;
        if (digits.Length == 0)
        {
            return false;
        }

        foreach (var c in digits)
        {
            var d = c - '0';
            if (d < 0 || d >= radix)
            {
                return false;
            }

            if (value > (ulong.MaxValue - (ulong)d) / (ulong)radix)
            {
                return false;
            }

            value = (value * (ulong)radix) + (ulong)d;
        }

        return true;
    }

    private static bool TryFloat(string text, out double value)
    {
        value = 0;
        switch (text)
        {
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF":
                value = double.PositiveInfinity;
                return true;
            case "-.inf" or "-.Inf" or "-.INF":
                value = double.NegativeInfinity;
                return true;
            case ".nan" or ".NaN" or ".NAN":
                value = double.NaN;
                return true;
        }

        var s = text.Replace("_", string.Empty, StringComparison.Ordinal);
        var body = s.TrimStart('+', '-');
        if (body.Length == 0 || !(char.IsAsciiDigit(body[0]) || (body[0] == '.' && body.Length > 1 && char.IsAsciiDigit(body[1]))))
        {
            return false;
        }

        return body.All(c => char.IsAsciiDigit(c) || c is '.' or 'e' or 'E' or '+' or '-')
            && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    private static void Emit(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case null:
                emitter.Emit(new Scalar(null, null, "null", ScalarStyle.Plain, true, false));
                break;
            case JsonObject obj:
                emitter.Emit(new MappingStart(null, null, true, MappingStyle.Block));
                foreach (var (key, value) in obj)
                {
                    EmitString(emitter, key);
                    Emit(emitter, value);
                }

                emitter.Emit(new MappingEnd());
                break;
            case JsonArray array:
                emitter.Emit(new SequenceStart(null, null, true, SequenceStyle.Block));
                foreach (var item in array)
                {
                    Emit(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case JsonValue value:
                switch (value.GetValueKind())
                {
                    case JsonValueKind.String:
                        EmitString(emitter, value.GetValue<string>());
                        break;
                    case JsonValueKind.True or JsonValueKind.False:
                        emitter.Emit(new Scalar(null, null, value.GetValueKind() == JsonValueKind.True ? "true" : "false", ScalarStyle.Plain, true, false));
                        break;
                    default:
                        emitter.Emit(new Scalar(null, null, value.ToJsonString(), ScalarStyle.Plain, true, false));
                        break;
                }

                break;
        }
    }

    /// <summary>Strings that would read back as another type are quoted; multi-line ones use a literal block.</summary>
    private static void EmitString(IEmitter emitter, string s)
    {
        var style = ScalarStyle.Any;
        if (s.Contains('\n', StringComparison.Ordinal))
        {
            style = s.EndsWith(' ') || s.Contains(" \n", StringComparison.Ordinal) ? ScalarStyle.DoubleQuoted : ScalarStyle.Literal;
        }
        else if (Scalar(new YamlScalarNode(s) { Style = ScalarStyle.Plain }) is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
        {
            style = ScalarStyle.DoubleQuoted;
        }

        emitter.Emit(new Scalar(null, null, s, style, true, true));
    }
}
