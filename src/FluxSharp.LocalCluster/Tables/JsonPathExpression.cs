using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluxSharp.LocalCluster.Tables;

/// <summary>
/// The subset of kubectl/client-go JSONPath that printer columns, wait conditions and health checks
/// use: <c>{.a.b}</c> or <c>.a.b</c>, <c>$</c>, <c>['key']</c>, <c>\.</c>-escaped dots in keys,
/// <c>[n]</c> (negative from the end), <c>[a:b]</c>, <c>[*]</c>, <c>.*</c>, <c>..key</c> (recursive descent),
/// and filters <c>[?(@.k=="v")]</c> with ==, !=, &lt;, &lt;=, &gt;, &gt;= or bare existence <c>[?(@.k)]</c>.
/// Missing keys yield no result rather than an error (the apiserver evaluates columns with
/// AllowMissingKeys). No range/end templates, unions or functions.
/// </summary>
public static class JsonPathExpression
{
    /// <summary>Every node the path selects, in document order. A present JSON null is returned as null.</summary>
    /// <exception cref="FormatException">The path is not in the supported syntax.</exception>
    public static IReadOnlyList<JsonNode?> Evaluate(JsonNode root, string path)
    {
        var steps = Parse(path);
        IReadOnlyList<JsonNode?> current = [root];
        foreach (var step in steps)
        {
            var next = new List<JsonNode?>();
            foreach (var node in current)
            {
                step.Apply(node, next);
            }

            current = next;
        }

        return current;
    }

    /// <summary>The first selected node, or null when nothing (or a JSON null) is selected.</summary>
    public static JsonNode? First(JsonNode root, string path)
    {
        var results = Evaluate(root, path);
        return results.Count > 0 ? results[0] : null;
    }

    /// <summary>Parses once for repeated evaluation; throws <see cref="FormatException"/> on bad syntax.</summary>
    public static void Validate(string path) => Parse(path);

    private static List<Step> Parse(string path)
    {
        var text = path.Trim();
        if (text.StartsWith('{') && text.EndsWith('}'))
        {
            text = text[1..^1].Trim();
        }

        var parser = new Parser(text);
        var steps = parser.ParseSteps(stopAtOperator: false);
        if (!parser.AtEnd)
        {
            throw new FormatException($"unexpected '{text[parser.Position..]}' in JSONPath \"{path}\"");
        }

        return steps;
    }

    private abstract class Step
    {
        public abstract void Apply(JsonNode? node, List<JsonNode?> output);
    }

    private sealed class FieldStep(string name) : Step
    {
        public override void Apply(JsonNode? node, List<JsonNode?> output)
        {
            if (node is JsonObject o && o.TryGetPropertyValue(name, out var value))
            {
                output.Add(value);
            }
        }
    }

    private sealed class WildcardStep : Step
    {
        public override void Apply(JsonNode? node, List<JsonNode?> output)
        {
            switch (node)
            {
                case JsonObject o:
                    output.AddRange(o.Select(kv => kv.Value));
                    break;
                case JsonArray a:
                    output.AddRange(a);
                    break;
            }
        }
    }

    private sealed class RecursiveStep(Step inner) : Step
    {
        public override void Apply(JsonNode? node, List<JsonNode?> output)
        {
            inner.Apply(node, output);
            IEnumerable<JsonNode?> children = node switch
            {
                JsonObject o => o.Select(kv => kv.Value),
                JsonArray a => a,
                _ => [],
            };
            foreach (var child in children)
            {
                Apply(child, output);
            }
        }
    }

    private sealed class SliceStep(int? start, int? end, bool single) : Step
    {
        public override void Apply(JsonNode? node, List<JsonNode?> output)
        {
            if (node is not JsonArray a)
            {
                return;
            }

            var count = a.Count;
            var from = Normalize(start ?? 0, count);
            if (single)
            {
                if (from >= 0 && from < count)
                {
                    output.Add(a[from]);
                }

                return;
            }

            var to = Math.Min(Normalize(end ?? count, count), count);
            for (var i = Math.Max(from, 0); i < to; i++)
            {
                output.Add(a[i]);
            }
        }

        private static int Normalize(int index, int count) => index < 0 ? count + index : index;
    }

    private sealed class FilterStep(List<Step> left, string? op, JsonNode? right) : Step
    {
        public override void Apply(JsonNode? node, List<JsonNode?> output)
        {
            IEnumerable<JsonNode?> candidates = node switch
            {
                JsonArray a => a,
                JsonObject o => [o],
                _ => [],
            };
            foreach (var item in candidates)
            {
                if (Matches(item))
                {
                    output.Add(item);
                }
            }
        }

        private bool Matches(JsonNode? item)
        {
            IReadOnlyList<JsonNode?> current = [item];
            foreach (var step in left)
            {
                var next = new List<JsonNode?>();
                foreach (var n in current)
                {
                    step.Apply(n, next);
                }

                current = next;
            }

            if (op is null)
            {
                return current.Count > 0;
            }

            return current.Count > 0 && Compare(current[0], op, right);
        }

        private static bool Compare(JsonNode? actual, string op, JsonNode? expected)
        {
            if (Number(actual) is { } x && Number(expected) is { } y)
            {
                return op switch
                {
                    "==" => x == y,
                    "!=" => x != y,
                    "<" => x < y,
                    "<=" => x <= y,
                    ">" => x > y,
                    ">=" => x >= y,
                    _ => false,
                };
            }

            var a = Text(actual);
            var b = Text(expected);
            var cmp = string.CompareOrdinal(a, b);
            return op switch
            {
                "==" => cmp == 0,
                "!=" => cmp != 0,
                "<" => cmp < 0,
                "<=" => cmp <= 0,
                ">" => cmp > 0,
                ">=" => cmp >= 0,
                _ => false,
            };
        }

        private static double? Number(JsonNode? n) =>
            n is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : null;

        private static string Text(JsonNode? n) => n switch
        {
            null => "null",
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            _ => n.ToJsonString(),
        };
    }

    private sealed class Parser(string text)
    {
        public int Position { get; private set; }

        public bool AtEnd => Position >= text.Length;

        private char Peek(int ahead = 0) => Position + ahead < text.Length ? text[Position + ahead] : '\0';

        public List<Step> ParseSteps(bool stopAtOperator)
        {
            var steps = new List<Step>();
            if (Peek() is '$' or '@')
            {
                Position++;
            }

            while (!AtEnd)
            {
                var c = Peek();
                if (stopAtOperator && (c is '=' or '!' or '<' or '>' or ')' or ' '))
                {
                    break;
                }

                if (c == '.')
                {
                    Position++;
                    if (Peek() == '.')
                    {
                        Position++;
                        steps.Add(new RecursiveStep(Peek() == '[' ? ParseBracket() : ParseName()));
                    }
                    else if (Peek() == '[')
                    {
                        steps.Add(ParseBracket());
                    }
                    else if (!AtEnd && !(stopAtOperator && Peek() is '=' or '!' or '<' or '>' or ')' or ' '))
                    {
                        steps.Add(ParseName());
                    }
                }
                else if (c == '[')
                {
                    steps.Add(ParseBracket());
                }
                else if (steps.Count == 0 && IsNameChar(c))
                {
                    // "metadata.name" without the leading dot, as some callers write it.
                    steps.Add(ParseName());
                }
                else
                {
                    break;
                }
            }

            return steps;
        }

        private static bool IsNameChar(char c) => c is not ('.' or '[' or ']' or '\0' or '=' or '!' or '<' or '>' or ')' or '(' or ' ' or '{' or '}');

        private Step ParseName()
        {
            if (Peek() == '*')
            {
                Position++;
                return new WildcardStep();
            }

            var sb = new StringBuilder();
            while (!AtEnd)
            {
                var c = Peek();
                if (c == '\\' && Peek(1) == '.')
                {
                    sb.Append('.');
                    Position += 2;
                    continue;
                }

                if (!IsNameChar(c))
                {
                    break;
                }

                sb.Append(c);
                Position++;
            }

            if (sb.Length == 0)
            {
                throw new FormatException($"expected a field name at {Position} in JSONPath \"{text}\"");
            }

            return new FieldStep(sb.ToString());
        }

        private Step ParseBracket()
        {
            Expect('[');
            Step step;
            var c = Peek();
            if (c == '*')
            {
                Position++;
                step = new WildcardStep();
            }
            else if (c is '\'' or '"')
            {
                step = new FieldStep(ReadQuoted());
            }
            else if (c == '?')
            {
                Position++;
                step = ParseFilter();
            }
            else
            {
                var inner = ReadUntil(']');
                step = ParseIndex(inner);
            }

            SkipSpaces();
            Expect(']');
            return step;
        }

        private Step ParseFilter()
        {
            SkipSpaces();
            Expect('(');
            SkipSpaces();
            var left = ParseSteps(stopAtOperator: true);
            SkipSpaces();
            string? op = null;
            JsonNode? right = null;
            if (Peek() != ')')
            {
                op = ReadOperator();
                SkipSpaces();
                right = ReadLiteral();
                SkipSpaces();
            }

            Expect(')');
            return new FilterStep(left, op, right);
        }

        private string ReadOperator()
        {
            foreach (var op in new[] { "==", "!=", "<=", ">=", "<", ">" })
            {
                if (string.CompareOrdinal(text, Position, op, 0, op.Length) == 0)
                {
                    Position += op.Length;
                    return op;
                }
            }

            throw new FormatException($"expected a comparison operator at {Position} in JSONPath \"{text}\"");
        }

        private JsonNode? ReadLiteral()
        {
            if (Peek() is '\'' or '"')
            {
                return JsonValue.Create(ReadQuoted());
            }

            var start = Position;
            while (!AtEnd && Peek() is not (')' or ' '))
            {
                Position++;
            }

            var raw = text[start..Position];
            if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                return JsonValue.Create(number);
            }

            return raw switch
            {
                "true" => JsonValue.Create(true),
                "false" => JsonValue.Create(false),
                "null" => null,
                _ => JsonValue.Create(raw),
            };
        }

        private static SliceStep ParseIndex(string inner)
        {
            var parts = inner.Split(':');
            if (parts.Length == 1)
            {
                return new SliceStep(ParseInt(parts[0]), null, single: true);
            }

            if (parts.Length is 2 or 3)
            {
                return new SliceStep(OptionalInt(parts[0]), OptionalInt(parts[1]), single: false);
            }

            throw new FormatException($"invalid array index \"{inner}\"");
        }

        private static int? OptionalInt(string s) => s.Trim().Length == 0 ? null : ParseInt(s);

        private static int ParseInt(string s) =>
            int.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i)
                ? i
                : throw new FormatException($"invalid array index \"{s}\"");

        private string ReadQuoted()
        {
            var quote = Peek();
            Position++;
            var sb = new StringBuilder();
            while (!AtEnd && Peek() != quote)
            {
                if (Peek() == '\\' && Position + 1 < text.Length)
                {
                    Position++;
                }

                sb.Append(Peek());
                Position++;
            }

            Expect(quote);
            return sb.ToString();
        }

        private string ReadUntil(char end)
        {
            var start = Position;
            while (!AtEnd && Peek() != end)
            {
                Position++;
            }

            return text[start..Position];
        }

        private void SkipSpaces()
        {
            while (Peek() == ' ')
            {
                Position++;
            }
        }

        private void Expect(char c)
        {
            if (Peek() != c)
            {
                throw new FormatException($"expected '{c}' at {Position} in JSONPath \"{text}\"");
            }

            Position++;
        }
    }
}
