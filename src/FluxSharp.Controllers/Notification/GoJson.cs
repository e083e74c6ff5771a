using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluxSharp.Controllers.Notification;

/// <summary>
/// Writes JSON as Go's encoding/json does (properties in the given order, no spaces, &lt; &gt; &amp; U+2028 U+2029
/// escaped as \u003c...), so payloads, and the HMAC signatures over them, are byte for byte what Flux sends.
/// </summary>
public static class GoJson
{
    public static string Serialize(JsonNode? node)
    {
        var text = new StringBuilder();
        Write(text, node);
        return text.ToString();
    }

    public static byte[] SerializeToUtf8(JsonNode? node) => Encoding.UTF8.GetBytes(Serialize(node));

    private static void Write(StringBuilder text, JsonNode? node)
    {
        switch (node)
        {
            case null:
                text.Append("null");
                return;
            case JsonObject obj:
                text.Append('{');
                var first = true;
                foreach (var (key, value) in obj)
                {
                    if (!first)
                    {
                        text.Append(',');
                    }

                    first = false;
                    WriteString(text, key);
                    text.Append(':');
                    Write(text, value);
                }

                text.Append('}');
                return;
            case JsonArray array:
                text.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        text.Append(',');
                    }

                    Write(text, array[i]);
                }

                text.Append(']');
                return;
            default:
                var value2 = node.AsValue();
                switch (value2.GetValueKind())
                {
                    case JsonValueKind.String:
                        WriteString(text, value2.GetValue<string>());
                        return;
                    case JsonValueKind.True:
                        text.Append("true");
                        return;
                    case JsonValueKind.False:
                        text.Append("false");
                        return;
                    default:
                        text.Append(value2.ToJsonString());
                        return;
                }
        }
    }

    private static void WriteString(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                case '\r':
                    text.Append("\\r");
                    break;
                case '\t':
                    text.Append("\\t");
                    break;
                case '<' or '>' or '&' or '\u2028' or '\u2029':
                case < ' ':
                    text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }

        text.Append('"');
    }
}
