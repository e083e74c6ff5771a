using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace FluxSharp.Build;

/// <summary>A YAML syntax error with the 1-based line and column where it was found.</summary>
public sealed class YamlSyntaxException : Exception
{
    public YamlSyntaxException(string message, long line, long column, Exception? innerException = null)
        : base(message, innerException)
    {
        Line = line;
        Column = column;
    }

    public YamlSyntaxException() : this("invalid YAML", 0, 0) { }
    public YamlSyntaxException(string message) : this(message, 0, 0) { }
    public YamlSyntaxException(string message, Exception innerException) : this(message, 0, 0, innerException) { }

    public long Line { get; }
    public long Column { get; }
}

/// <summary>
/// Converts between YAML text and JSON nodes the way Kubernetes tooling does (sigs.k8s.io/yaml, i.e. YAML 1.1
/// scalar resolution): unquoted <c>true/false/yes/no/on/off</c>, <c>null/~</c>, integers (including <c>0x</c>,
/// leading-zero octal and <c>0b</c>) and floats are typed; quoted and block scalars stay strings.
/// </summary>
public static partial class YamlObjects
{
    /// <summary>Parses every non-empty document of a multi-document YAML stream.</summary>
    /// <exception cref="YamlSyntaxException">The YAML is malformed.</exception>
    public static IReadOnlyList<JsonNode> ParseDocuments(string yaml) => [.. ParseDocumentsWithText(yaml).Select(d => d.Node)];

    /// <summary>Parses every non-empty document and returns it with its own source text (quoting styles preserved).</summary>
    /// <exception cref="YamlSyntaxException">The YAML is malformed.</exception>
    public static IReadOnlyList<(JsonNode Node, string Text)> ParseDocumentsWithText(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var result = new List<(JsonNode, string)>();
        var parser = new Parser(new StringReader(yaml));
        Mark last = Mark.Empty;
        try
        {
            parser.Consume<StreamStart>();
            while (!parser.TryConsume<StreamEnd>(out _))
            {
                var start = parser.Consume<DocumentStart>();
                last = start.End;
                var anchors = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
                var node = ReadNode(parser, anchors, ref last);
                var end = parser.Consume<DocumentEnd>();
                last = end.End;
                if (node is not null)
                {
                    int from = (int)Math.Min(start.Start.Index, yaml.Length);
                    int to = (int)Math.Min(Math.Max(end.End.Index, from), yaml.Length);
                    result.Add((node, yaml[from..to]));
                }
            }
        }
        catch (YamlException e)
        {
            throw new YamlSyntaxException(Describe(e), e.Start.Line, e.Start.Column, e);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner occasionally fails without a mark; report where parsing stopped.
            throw new YamlSyntaxException("invalid YAML near here", last.Line, last.Column, e);
        }
        return result;
    }

    private static JsonNode? ReadNode(IParser parser, Dictionary<string, JsonNode?> anchors, ref Mark last)
    {
        var ev = parser.Current ?? throw new InvalidOperationException("unexpected end of YAML");
        last = ev.Start;
        switch (ev)
        {
            case AnchorAlias alias:
                parser.MoveNext();
                if (!anchors.TryGetValue(alias.Value.Value, out var target))
                {
                    throw new YamlException(alias.Start, alias.End, $"unknown anchor '{alias.Value.Value}'");
                }

                return target?.DeepClone();
            case Scalar scalar:
                {
                    parser.MoveNext();
                    var value = ScalarToJson(scalar);
                    if (!scalar.Anchor.IsEmpty)
                    {
                        anchors[scalar.Anchor.Value] = value?.DeepClone();
                    }

                    return value;
                }
            case SequenceStart seqStart:
                {
                    parser.MoveNext();
                    var arr = new JsonArray();
                    while (!parser.TryConsume<SequenceEnd>(out _))
                    {
                        arr.Add(ReadNode(parser, anchors, ref last));
                    }

                    if (!seqStart.Anchor.IsEmpty)
                    {
                        anchors[seqStart.Anchor.Value] = arr.DeepClone();
                    }

                    return arr;
                }
            case MappingStart mapStart:
                {
                    parser.MoveNext();
                    var obj = new JsonObject();
                    while (!parser.TryConsume<MappingEnd>(out _))
                    {
                        var keyEvent = parser.Current;
                        var key = ReadNode(parser, anchors, ref last);
                        var keyText = keyEvent is Scalar ks ? ks.Value : key switch
                        {
                            null => "null",
                            JsonValue v => v.ToString(),
                            _ => throw new YamlException(keyEvent!.Start, keyEvent.End, "complex mapping keys are not supported"),
                        };
                        var value = ReadNode(parser, anchors, ref last);
                        if (keyText == "<<" && keyEvent is Scalar { Style: ScalarStyle.Plain } && value is JsonObject merge)
                        {
                            foreach (var (mk, mv) in merge)
                            {
                                if (!obj.ContainsKey(mk))
                                {
                                    obj[mk] = mv?.DeepClone();
                                }
                            }

                            continue;
                        }
                        obj[keyText] = value;
                    }
                    if (!mapStart.Anchor.IsEmpty)
                    {
                        anchors[mapStart.Anchor.Value] = obj.DeepClone();
                    }

                    return obj;
                }
            default:
                throw new YamlException(ev.Start, ev.End, $"unexpected YAML event {ev.GetType().Name}");
        }
    }

    /// <summary>Parses a multi-document stream whose documents must all be objects (mappings).</summary>
    public static IReadOnlyList<JsonObject> ParseObjects(string yaml)
    {
        var list = new List<JsonObject>();
        foreach (var node in ParseDocuments(yaml))
        {
            if (node is not JsonObject o)
            {
                throw new YamlSyntaxException($"expected a YAML mapping (an object) but found a {node.GetValueKind().ToString().ToLowerInvariant()}");
            }

            list.Add(o);
        }
        return list;
    }

    private static string Describe(YamlException e)
    {
        // YamlDotNet prefixes its messages with "(Line: x, Col: y, Idx: z) - (Line: ...): "; keep the text.
        var msg = e.Message;
        int i = msg.LastIndexOf("): ", StringComparison.Ordinal);
        if (msg.StartsWith("(Line:", StringComparison.Ordinal) && i >= 0)
        {
            msg = msg[(i + 3)..];
        }

        if (e.InnerException is YamlException inner && !string.IsNullOrEmpty(inner.Message) && msg.Length == 0)
        {
            msg = inner.Message;
        }

        return msg;
    }

    private static JsonNode? ScalarToJson(Scalar scalar)
    {
        var value = scalar.Value ?? "";
        var tag = scalar.Tag.IsEmpty ? "" : scalar.Tag.Value;
        switch (tag)
        {
            case "tag:yaml.org,2002:str" or "!" or "tag:yaml.org,2002:binary" or "tag:yaml.org,2002:timestamp":
                return JsonValue.Create(value);
            case "tag:yaml.org,2002:null":
                return null;
            case "tag:yaml.org,2002:bool":
                return TryBool(value, out bool b) ? JsonValue.Create(b) : JsonValue.Create(value);
            case "tag:yaml.org,2002:int" or "tag:yaml.org,2002:float":
                return TryNumber(value, out var n) ? n : JsonValue.Create(value);
        }
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(value);
        }

        return Resolve(value);
    }

    /// <summary>Resolves an unquoted scalar as YAML 1.1 (go-yaml v2) does.</summary>
    internal static JsonNode? Resolve(string plain)
    {
        if (plain is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (TryBool(plain, out bool b))
        {
            return JsonValue.Create(b);
        }

        if (TryNumber(plain, out var n))
        {
            return n;
        }

        return JsonValue.Create(plain);
    }

    private static bool TryBool(string s, out bool value)
    {
        switch (s)
        {
            case "y" or "Y" or "yes" or "Yes" or "YES" or "true" or "True" or "TRUE" or "on" or "On" or "ON":
                value = true;
                return true;
            case "n" or "N" or "no" or "No" or "NO" or "false" or "False" or "FALSE" or "off" or "Off" or "OFF":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex FloatRegex();

    private static bool TryNumber(string s, out JsonNode? value)
    {
        value = null;
        if (s.Length == 0 || "+-.0123456789".IndexOf(s[0], StringComparison.Ordinal) < 0)
        {
            return false;
        }

        var plain = s.Replace("_", "", StringComparison.Ordinal);
        if (TryParseGoInt(plain, out long l))
        {
            value = JsonValue.Create(l);
            return true;
        }
        if (FloatRegex().IsMatch(plain) && double.TryParse(plain, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d))
        {
            value = JsonValue.Create(d);
            return true;
        }
        return false;
    }

    // strconv.ParseInt(s, 0, 64): optional sign, then 0x/0X hex, 0o/0O or leading-0 octal, 0b/0B binary, or decimal.
    private static bool TryParseGoInt(string s, out long value)
    {
        value = 0;
        bool neg = false;
        var body = s;
        if (body.StartsWith('+') || body.StartsWith('-'))
        {
            neg = body[0] == '-';
            body = body[1..];
        }
        if (body.Length == 0)
        {
            return false;
        }

        int radix = 10;
        if (body.Length > 1 && body[0] == '0')
        {
            switch (body[1])
            {
                case 'x' or 'X': radix = 16; body = body[2..]; break;
                case 'o' or 'O': radix = 8; body = body[2..]; break;
                case 'b' or 'B': radix = 2; body = body[2..]; break;
                default: radix = 8; body = body[1..]; break;
            }
            if (body.Length == 0)
            {
                return false;
            }
        }
        System.Numerics.BigInteger acc = 0;
        foreach (char c in body)
        {
            int digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => 99,
            };
            if (digit >= radix)
            {
                return false;
            }

            acc = acc * radix + digit;
        }
        if (neg)
        {
            acc = -acc;
        }

        if (acc < long.MinValue || acc > long.MaxValue)
        {
            return false;
        }

        value = (long)acc;
        return true;
    }

    // ---- emitting ----

    /// <summary>Serialises one object as a YAML document (block style, strings quoted when they would otherwise be re-typed).</summary>
    public static string Serialize(JsonNode? node)
    {
        var sw = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        var emitter = new Emitter(sw, 2, 1_000_000);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart());
        Emit(emitter, node);
        emitter.Emit(new DocumentEnd(true));
        emitter.Emit(new StreamEnd());
        return sw.ToString();
    }

    /// <summary>Serialises objects as a multi-document YAML stream separated by <c>---</c>.</summary>
    public static string SerializeAll(IEnumerable<JsonNode?> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var sb = new StringBuilder();
        bool first = true;
        foreach (var n in nodes)
        {
            if (!first)
            {
                sb.Append("---\n");
            }

            first = false;
            sb.Append(Serialize(n));
        }
        return sb.ToString();
    }

    private static void Emit(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case null:
                emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, "null", ScalarStyle.Plain, true, false));
                break;
            case JsonObject obj:
                emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, true, obj.Count == 0 ? MappingStyle.Flow : MappingStyle.Block));
                foreach (var (k, v) in obj)
                {
                    EmitString(emitter, k);
                    Emit(emitter, v);
                }
                emitter.Emit(new MappingEnd());
                break;
            case JsonArray arr:
                emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, true, arr.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in arr)
                {
                    Emit(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            default:
                var value = (JsonValue)node;
                switch (value.GetValueKind())
                {
                    case JsonValueKind.String:
                        EmitString(emitter, value.GetValue<string>());
                        break;
                    case JsonValueKind.True:
                        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, "true", ScalarStyle.Plain, true, false));
                        break;
                    case JsonValueKind.False:
                        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, "false", ScalarStyle.Plain, true, false));
                        break;
                    case JsonValueKind.Number:
                        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, value.ToJsonString(), ScalarStyle.Plain, true, false));
                        break;
                    default:
                        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, "null", ScalarStyle.Plain, true, false));
                        break;
                }
                break;
        }
    }

    private static void EmitString(IEmitter emitter, string s)
    {
        ScalarStyle style;
        if (s.Contains('\n', StringComparison.Ordinal))
        {
            style = ScalarStyle.Literal;
        }
        else if (Resolve(s) is not JsonValue v || v.GetValueKind() != JsonValueKind.String || LooksSpecial(s))
        {
            style = ScalarStyle.DoubleQuoted;
        }
        else
        {
            style = ScalarStyle.Any;
        }

        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, s, style, true, true));
    }

    // Strings a YAML 1.1 reader could take as something else (timestamps, sexagesimal numbers, .inf/.nan, merge keys).
    private static bool LooksSpecial(string s) =>
        s == "<<" || s.StartsWith('.') && (s.EndsWith("inf", StringComparison.OrdinalIgnoreCase) || s.Equals(".nan", StringComparison.OrdinalIgnoreCase))
        || (s.Length > 0 && char.IsAsciiDigit(s[0]) && (s.Contains(':', StringComparison.Ordinal) || s.Contains('-', StringComparison.Ordinal)));
}
