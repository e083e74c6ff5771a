using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace FluxSharp.Formats;

/// <summary>
/// YAML ⇄ System.Text.Json nodes the way Kubernetes tooling converts them (sigs.k8s.io/yaml, YAML 1.1 scalar rules,
/// see <see cref="YamlScalars"/>): quoted, block and <c>!!str</c> scalars stay strings; anchors, aliases and merge
/// keys (<c>&lt;&lt;</c>) are resolved; key order is kept.
/// </summary>
public static partial class YamlJson
{
    /// <summary>The first non-empty document of a stream; null when there is none.</summary>
    /// <exception cref="YamlSyntaxException">The YAML is malformed.</exception>
    public static JsonNode? Parse(string yaml) => ParseDocuments(yaml) is [var first, ..] ? first : null;

    /// <summary>
    /// The first non-empty document, with each mapping key given twice (the last value wins, as Go's yaml does) by its
    /// 1-based line and name, for callers that report duplicates as kube-apiserver does.
    /// </summary>
    /// <exception cref="YamlSyntaxException">The YAML is malformed.</exception>
    public static JsonNode? Parse(string yaml, List<(int Line, string Key)> duplicates) =>
        ParseDocumentsWithText(yaml, duplicates) is [var first, ..] ? first.Node : null;

    /// <summary>Parses every non-empty document of a multi-document YAML stream.</summary>
    /// <exception cref="YamlSyntaxException">The YAML is malformed.</exception>
    public static IReadOnlyList<JsonNode> ParseDocuments(string yaml) => [.. ParseDocumentsWithText(yaml).Select(d => d.Node)];

    /// <summary>Parses a multi-document stream whose documents must all be objects (mappings).</summary>
    /// <exception cref="YamlSyntaxException">The YAML is malformed or a document is not a mapping.</exception>
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

    /// <summary>Parses every non-empty document and returns it with its own source text (quoting styles preserved).</summary>
    /// <exception cref="YamlSyntaxException">The YAML is malformed.</exception>
    public static IReadOnlyList<(JsonNode Node, string Text)> ParseDocumentsWithText(string yaml) => ParseDocumentsWithText(yaml, null);

    private static List<(JsonNode Node, string Text)> ParseDocumentsWithText(string yaml, List<(int Line, string Key)>? duplicates)
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
                var node = ReadNode(parser, anchors, duplicates, ref last);
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

    private static JsonNode? ReadNode(IParser parser, Dictionary<string, JsonNode?> anchors, List<(int Line, string Key)>? duplicates, ref Mark last)
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
                        arr.Add(ReadNode(parser, anchors, duplicates, ref last));
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
                        var key = ReadNode(parser, anchors, duplicates, ref last);
                        var keyText = keyEvent is Scalar ks ? ks.Value : key switch
                        {
                            null => "null",
                            JsonValue v => v.ToString(),
                            _ => throw new YamlException(keyEvent!.Start, keyEvent.End, "complex mapping keys are not supported"),
                        };
                        var value = ReadNode(parser, anchors, duplicates, ref last);
                        if (keyText == "<<" && keyEvent is Scalar { Style: ScalarStyle.Plain } && Merge(obj, value))
                        {
                            continue;
                        }

                        if (duplicates is not null && obj.ContainsKey(keyText))
                        {
                            duplicates.Add(((int)keyEvent!.Start.Line, keyText));
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

    /// <summary>
    /// A merge key brings in the keys of a mapping, or of a sequence of mappings (the earlier one wins), that the
    /// mapping does not set itself; false when the value is neither, so it stays an ordinary "&lt;&lt;" key.
    /// </summary>
    private static bool Merge(JsonObject obj, JsonNode? value)
    {
        IEnumerable<JsonObject> sources;
        if (value is JsonObject single)
        {
            sources = [single];
        }
        else if (value is JsonArray { Count: > 0 } list && list.All(i => i is JsonObject))
        {
            sources = list.Cast<JsonObject>();
        }
        else
        {
            return false;
        }

        foreach (var source in sources)
        {
            foreach (var (mk, mv) in source)
            {
                if (!obj.ContainsKey(mk))
                {
                    obj[mk] = mv?.DeepClone();
                }
            }
        }

        return true;
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
                return YamlScalars.TryBool(value, out bool b) ? JsonValue.Create(b) : JsonValue.Create(value);
            case "tag:yaml.org,2002:int" or "tag:yaml.org,2002:float":
                return YamlScalars.TryNumber(value, out var n) ? n : JsonValue.Create(value);
        }

        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(value);
        }

        return YamlScalars.Resolve(value);
    }
}
