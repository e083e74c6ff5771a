using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace FluxSharp.Formats;

public static partial class YamlJson
{
    /// <summary>
    /// Writes one document in block style, as kubectl and flux print objects: keys in order, two-space indents, no line
    /// wrapping, empty objects and lists as <c>{}</c> and <c>[]</c>, strings double-quoted when a YAML 1.1 reader would
    /// type them otherwise, multi-line strings as literal blocks.
    /// </summary>
    public static string Serialize(JsonNode? node)
    {
        var sw = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        var emitter = new Emitter(sw, new EmitterSettings(bestIndent: 2, bestWidth: int.MaxValue, isCanonical: false, maxSimpleKeyLength: 1024));
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
                EmitPlain(emitter, "null");
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
                        EmitPlain(emitter, "true");
                        break;
                    case JsonValueKind.False:
                        EmitPlain(emitter, "false");
                        break;
                    case JsonValueKind.Number:
                        EmitPlain(emitter, value.ToJsonString());
                        break;
                    default:
                        EmitPlain(emitter, "null");
                        break;
                }

                break;
        }
    }

    private static void EmitPlain(IEmitter emitter, string text) =>
        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, text, ScalarStyle.Plain, true, false));

    /// <summary>
    /// Multi-line strings ask for a literal block (the emitter falls back to double quotes where a block cannot hold
    /// the text, e.g. trailing spaces); one-line strings that would read back as another type are double-quoted.
    /// </summary>
    private static void EmitString(IEmitter emitter, string s)
    {
        ScalarStyle style;
        if (s.Contains('\n', StringComparison.Ordinal))
        {
            style = ScalarStyle.Literal;
        }
        else if (YamlScalars.NeedsQuotes(s))
        {
            style = ScalarStyle.DoubleQuoted;
        }
        else
        {
            style = ScalarStyle.Any;
        }

        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, s, style, true, true));
    }
}
