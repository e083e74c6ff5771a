using System.Globalization;
using System.Text;

namespace FluxSharp.Build.Substitution;

/// <summary>An error raised while parsing or evaluating a <c>${...}</c> expression.</summary>
public sealed class EnvsubstException : Exception
{
    public EnvsubstException(string message) : base(message) { }
    public EnvsubstException() { }
    public EnvsubstException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>
/// Bash-like variable expansion with the exact grammar of fluxcd/pkg/envsubst (a fork of drone/envsubst):
/// <c>${var}</c>, <c>${var:=default}</c>, <c>${var:-default}</c>, <c>${var=default}</c>, <c>${#var}</c>,
/// <c>${var^}</c>, <c>${var^^}</c>, <c>${var,}</c>, <c>${var,,}</c>, <c>${var:pos}</c>, <c>${var:pos:len}</c>,
/// <c>${var#glob}</c>, <c>${var##glob}</c>, <c>${var%glob}</c>, <c>${var%%glob}</c>, <c>${var/a/b}</c>,
/// <c>${var//a/b}</c>, <c>${var/#a/b}</c>, <c>${var/%a/b}</c>. <c>$$</c> escapes a dollar (so <c>$${var}</c> is the
/// literal <c>${var}</c>); a bare <c>$var</c> is left alone. Every default operator substitutes its default when
/// the value is empty. In strict mode (the mapping reports a variable as missing) a missing variable is an
/// error unless a default operator handles it.
/// </summary>
public static class Envsubst
{
    /// <summary>Expands <paramref name="input"/>; <paramref name="lookup"/> returns (value, exists).</summary>
    public static string Eval(string input, Func<string, (string Value, bool Exists)> lookup)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(lookup);
        var nodes = new Parser(input).Parse();
        var sb = new StringBuilder(input.Length);
        foreach (var n in nodes)
        {
            Evaluate(n, lookup, sb);
        }

        return sb.ToString();
    }

    // ---- evaluation ----

    private static void Evaluate(Node node, Func<string, (string Value, bool Exists)> lookup, StringBuilder output)
    {
        if (node is TextNode text)
        {
            output.Append(text.Value);
            return;
        }
        var fn = (FuncNode)node;
        var args = new List<string>(fn.Args.Count);
        foreach (var a in fn.Args)
        {
            var sb = new StringBuilder();
            Evaluate(a, lookup, sb);
            args.Add(sb.ToString());
        }
        var (value, exists) = lookup(fn.Param);
        if (!exists && !IsDefaultOp(fn.Name))
        {
            throw new EnvsubstException($"variable not set (strict mode): \"{fn.Param}\"");
        }

        output.Append(Apply(fn.Name, args.Count, value ?? "", args));
    }

    private static bool IsDefaultOp(string name) => name is "-" or "+" or "=" or "?" or ":-" or ":+" or ":=" or ":?";

    private static string Apply(string name, int argCount, string s, List<string> args) => name switch
    {
        "," => s.Length == 0 ? s : FirstRune(s, lower: true),
        ",," => s.ToLowerInvariant(),
        "^" => s.Length == 0 ? s : FirstRune(s, lower: false),
        "^^" => s.ToUpperInvariant(),
        "#" when argCount == 0 => Encoding.UTF8.GetByteCount(s).ToString(CultureInfo.InvariantCulture),
        "#" => args.Count != 0 ? TrimShortest(s, args[0]) : s,
        "##" => args.Count != 0 ? TrimLongest(s, args[0]) : s,
        "%" => args.Count != 0 ? Reverse(TrimShortest(Reverse(s), Reverse(args[0]))) : s,
        "%%" => args.Count != 0 ? Reverse(TrimLongest(Reverse(s), Reverse(args[0]))) : s,
        ":" => Substring(s, args),
        "/#" => args.Count == 2 && s.StartsWith(args[0], StringComparison.Ordinal) ? args[1] + s[args[0].Length..] : s,
        "/%" => args.Count == 2 && s.EndsWith(args[0], StringComparison.Ordinal) ? s[..^args[0].Length] + args[1] : s,
        "/" => ReplaceFirst(s, args),
        "//" => args.Count switch
        {
            0 => s,
            _ when args[0].Length == 0 => ReplaceEmpty(s, args.Count > 1 ? args[1] : "", all: true),
            1 => s.Replace(args[0], "", StringComparison.Ordinal),
            _ => s.Replace(args[0], args[1], StringComparison.Ordinal),
        },
        _ => s.Length == 0 && args.Count > 0 ? string.Concat(args) : s,
    };

    private static string FirstRune(string s, bool lower)
    {
        Rune.DecodeFromUtf16(s, out var r, out int n);
        var changed = lower ? Rune.ToLowerInvariant(r) : Rune.ToUpperInvariant(r);
        return changed.ToString() + s[n..];
    }

    private static string ReplaceFirst(string s, List<string> args)
    {
        if (args.Count == 0)
        {
            return s;
        }

        var with = args.Count == 1 ? "" : args[1];
        if (args[0].Length == 0)
        {
            return ReplaceEmpty(s, with, all: false);
        }

        int i = s.IndexOf(args[0], StringComparison.Ordinal);
        return i < 0 ? s : string.Concat(s.AsSpan(0, i), with, s.AsSpan(i + args[0].Length));
    }

    // Go's strings.Replace with an empty old string inserts the replacement before every rune (and at the end).
    private static string ReplaceEmpty(string s, string with, bool all)
    {
        if (!all)
        {
            return with + s;
        }

        var sb = new StringBuilder();
        foreach (var r in s.EnumerateRunes())
        {
            sb.Append(with).Append(r.ToString());
        }

        return sb.Append(with).ToString();
    }

    private static string Substring(string s, List<string> args)
    {
        if (args.Count == 0)
        {
            return s;
        }

        if (!int.TryParse(args[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int pos))
        {
            return s;
        }

        var bytes = Encoding.UTF8.GetBytes(s);
        int len = bytes.Length;
        if (pos < 0)
        {
            pos = len + pos;
            if (pos < 0)
            {
                pos = 0;
            }
        }
        if (args.Count == 1)
        {
            return pos < len ? Encoding.UTF8.GetString(bytes, pos, len - pos) : "";
        }

        if (!int.TryParse(args[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int length))
        {
            return s;
        }

        if ((long)pos + length >= len)
        {
            return pos < len ? Encoding.UTF8.GetString(bytes, pos, len - pos) : "";
        }

        if (length < 0)
        {
            return s; // Go would panic on a negative slice; keep the value
        }

        return Encoding.UTF8.GetString(bytes, pos, length);
    }

    private static string TrimShortest(string s, string pattern)
    {
        string? shortest = null;
        for (int i = 0; i < s.Length; i++)
        {
            var candidate = s[..(s.Length - i)];
            if (!Glob.TryMatch(pattern, candidate, out bool ok))
            {
                return s;
            }

            if (ok)
            {
                shortest = candidate;
            }
        }
        return string.IsNullOrEmpty(shortest) ? s : s[shortest.Length..];
    }

    private static string TrimLongest(string s, string pattern)
    {
        for (int i = 0; i < s.Length; i++)
        {
            var candidate = s[..(s.Length - i)];
            if (!Glob.TryMatch(pattern, candidate, out bool ok))
            {
                return s;
            }

            if (ok)
            {
                return s[candidate.Length..];
            }
        }
        return s;
    }

    private static string Reverse(string s)
    {
        var runes = s.EnumerateRunes().ToArray();
        Array.Reverse(runes);
        var sb = new StringBuilder(s.Length);
        foreach (var r in runes)
        {
            sb.Append(r.ToString());
        }

        return sb.ToString();
    }

    // ---- syntax tree ----

    private abstract record Node;
    private sealed record TextNode(string Value) : Node;
    private sealed record FuncNode(string Param, string Name, List<Node> Args) : Node;

    // ---- parser: mirrors fluxcd/pkg/envsubst/parse so that edge cases (escapes, errors) behave the same ----

    private sealed class Parser(string input)
    {
        private readonly Scanner _s = new(input);

        public List<Node> Parse()
        {
            var nodes = new List<Node>();
            while (true)
            {
                _s.Accept = static (_, _) => true;
                _s.Mode = Scanner.ScanIdent | Scanner.ScanLbrack | Scanner.ScanEscape;
                _s.EscapeChars = Scanner.Dollar;
                switch (_s.Scan())
                {
                    case Token.Ident:
                        nodes.Add(new TextNode(_s.Text()));
                        break;
                    case Token.Eof:
                        return nodes;
                    case Token.Lbrack:
                        nodes.Add(ParseFunc());
                        break;
                    default:
                        throw new EnvsubstException("bad substitution");
                }
            }
        }

        private Node ParseFunc()
        {
            _s.EscapeChars = Scanner.EscapeAll;
            if (_s.Peek() == '#')
            {
                return ParseLenFunc();
            }

            _s.Accept = AcceptIdent;
            _s.Mode = Scanner.ScanIdent;
            if (_s.Scan() != Token.Ident)
            {
                throw new EnvsubstException("unable to parse variable name");
            }

            var name = _s.Text();

            switch (_s.Peek())
            {
                case ':': return ParseDefaultOrSubstr(name);
                case '=': return ParseDefaultFunc(name);
                case ',' or '^': return ParseCasingFunc(name);
                case '/': return ParseReplaceFunc(name);
                case '#': return ParseRemoveFunc(name, static (r, i) => r.Value == '#' && i < 3);
                case '%': return ParseRemoveFunc(name, static (r, i) => r.Value == '%' && i < 3);
            }

            _s.Accept = AcceptIdent;
            _s.Mode = Scanner.ScanRbrack;
            if (_s.Scan() != Token.Rbrack)
            {
                throw new EnvsubstException("missing closing brace");
            }

            return new FuncNode(name, "", []);
        }

        private Node ParseParam(Func<Rune, int, bool> accept, byte mode)
        {
            _s.Accept = accept;
            _s.Mode = (byte)(mode | Scanner.ScanLbrack);
            return _s.Scan() switch
            {
                Token.Lbrack => ParseFunc(),
                Token.Ident or Token.Rbrack => new TextNode(_s.Text()),
                _ => throw new EnvsubstException("unable to parse substitution within function"),
            };
        }

        private Node ParseDefaultOrSubstr(string name)
        {
            _s.Read();
            var r = _s.Peek();
            _s.Unread();
            return r is '=' or '-' or '?' or '+' ? ParseDefaultFunc(name) : ParseSubstrFunc(name);
        }

        private Node ParseSubstrFunc(string name)
        {
            _s.Accept = static (r, i) => i == 1 && r.Value == ':';
            _s.Mode = Scanner.ScanIdent;
            if (_s.Scan() != Token.Ident)
            {
                throw new EnvsubstException("bad substitution");
            }

            var node = new FuncNode(name, _s.Text(), []);
            node.Args.Add(ParseParam(static (r, _) => r.Value != ':' && r.Value != '}', Scanner.ScanIdent));

            _s.Accept = static (r, _) => r.Value == ':';
            _s.Mode = Scanner.ScanIdent | Scanner.ScanRbrack;
            switch (_s.Scan())
            {
                case Token.Rbrack: return node;
                case Token.Ident: break;
                default: throw new EnvsubstException("bad substitution");
            }
            node.Args.Add(ParseParam(AcceptNotClosing, Scanner.ScanIdent));
            ConsumeRbrack();
            return node;
        }

        private Node ParseRemoveFunc(string name, Func<Rune, int, bool> accept)
        {
            _s.Accept = accept;
            _s.Mode = Scanner.ScanIdent;
            if (_s.Scan() != Token.Ident)
            {
                throw new EnvsubstException("bad substitution");
            }

            var node = new FuncNode(name, _s.Text(), []);
            node.Args.Add(ParseParam(AcceptNotClosing, Scanner.ScanIdent));
            ConsumeRbrack();
            return node;
        }

        private Node ParseReplaceFunc(string name)
        {
            _s.Accept = static (r, i) => (i == 1 && r.Value == '/') || (i == 2 && r.Value is '/' or '#' or '%');
            _s.Mode = Scanner.ScanIdent;
            if (_s.Scan() != Token.Ident)
            {
                throw new EnvsubstException("bad substitution");
            }

            var node = new FuncNode(name, _s.Text(), []);
            node.Args.Add(ParseParam(static (r, _) => r.Value != '/', Scanner.ScanIdent | Scanner.ScanEscape));

            _s.Accept = static (r, _) => r.Value == '/';
            _s.Mode = Scanner.ScanIdent;
            if (_s.Scan() != Token.Ident)
            {
                throw new EnvsubstException("bad substitution");
            }

            if (_s.Peek() == '}')
            {
                ConsumeRbrack();
                return node;
            }
            node.Args.Add(ParseParam(AcceptNotClosing, Scanner.ScanIdent | Scanner.ScanEscape));
            ConsumeRbrack();
            return node;
        }

        private Node ParseDefaultFunc(string name)
        {
            _s.Accept = _s.Peek() == '='
                ? static (r, i) => i == 1 && r.Value == '='
                : static (r, i) => (i == 1 && r.Value == ':') || (i == 2 && r.Value is '=' or '-' or '?' or '+');
            _s.Mode = Scanner.ScanIdent;
            if (_s.Scan() != Token.Ident)
            {
                throw new EnvsubstException("unable to parse default function");
            }

            var node = new FuncNode(name, _s.Text(), []);
            while (true)
            {
                if (_s.Peek() == '}')
                {
                    ConsumeRbrack();
                    return node;
                }
                node.Args.Add(ParseParam(AcceptNotClosing, Scanner.ScanIdent));
            }
        }

        private Node ParseCasingFunc(string name)
        {
            _s.Accept = static (r, i) => r.Value is ',' or '^' && i < 3;
            _s.Mode = Scanner.ScanIdent;
            if (_s.Scan() != Token.Ident)
            {
                throw new EnvsubstException("bad substitution");
            }

            var node = new FuncNode(name, _s.Text(), []);
            ConsumeRbrack();
            return node;
        }

        private Node ParseLenFunc()
        {
            _s.Accept = static (r, i) => r.Value == '#' && i == 1;
            _s.Mode = Scanner.ScanIdent;
            if (_s.Scan() != Token.Ident)
            {
                throw new EnvsubstException("bad substitution");
            }

            var fname = _s.Text();
            _s.Accept = AcceptIdent;
            _s.Mode = Scanner.ScanIdent;
            if (_s.Scan() != Token.Ident)
            {
                throw new EnvsubstException("bad substitution");
            }

            var node = new FuncNode(_s.Text(), fname, []);
            ConsumeRbrack();
            return node;
        }

        private void ConsumeRbrack()
        {
            _s.Mode = Scanner.ScanRbrack;
            if (_s.Scan() != Token.Rbrack)
            {
                throw new EnvsubstException("bad substitution");
            }
        }

        private static bool AcceptIdent(Rune r, int i) => Rune.IsLetter(r) || Rune.IsDigit(r) || r.Value == '_';

        private static bool AcceptNotClosing(Rune r, int i) => r.Value != '}';
    }

    private enum Token { Illegal, Eof, Ident, Lbrack, Rbrack }

    private sealed class Scanner(string buf)
    {
        public const byte ScanIdent = 1, ScanLbrack = 2, ScanRbrack = 4, ScanEscape = 8;
        public const byte Dollar = 1, Backslash = 2, EscapeAll = Dollar | Backslash;

        private string _buf = buf;
        private int _pos, _start, _width;

        public byte Mode { get; set; }
        public byte EscapeChars { get; set; }
        public Func<Rune, int, bool> Accept { get; set; } = static (_, _) => true;

        public Rune Read()
        {
            if (_pos >= _buf.Length)
            {
                _width = 0;
                return default; // eof (rune 0)
            }
            if (Rune.DecodeFromUtf16(_buf.AsSpan(_pos), out var r, out int w) != System.Buffers.OperationStatus.Done)
            {
                r = Rune.ReplacementChar;
                w = 1;
            }
            _width = w;
            _pos += w;
            return r;
        }

        public void Unread() => _pos -= _width;

        public int Peek()
        {
            var r = Read();
            Unread();
            return r.Value;
        }

        public string Text() => _buf[_start.._pos];

        // Drops the character just read (the first of an escape pair) from the buffer.
        private void Skip() => _buf = string.Concat(_buf.AsSpan(0, _pos - 1), _buf.AsSpan(_pos));

        public Token Scan()
        {
            _start = _pos;
            var r = Read();
            if (r.Value == 0)
            {
                return Token.Eof;
            }

            if (ScanLbrackRune(r))
            {
                return Token.Lbrack;
            }

            if (ScanRbrackRune(r))
            {
                return Token.Rbrack;
            }

            if (ScanIdentRune(r))
            {
                return Token.Ident;
            }

            return Token.Illegal;
        }

        private bool ScanIdentRune(Rune r)
        {
            if ((Mode & ScanIdent) == 0)
            {
                return false;
            }

            if (ScanEscaped(r))
            {
                Skip();
            }
            else if (!Accept(r, _pos - _start))
            {
                return false;
            }

            while (true)
            {
                r = Read();
                if (r.Value == 0)
                {
                    Unread();
                    break;
                }
                if (ScanLbrackRune(r))
                {
                    Unread();
                    Unread();
                    break;
                }
                if (ScanEscaped(r))
                {
                    Skip();
                    continue;
                }
                if (!Accept(r, _pos - _start))
                {
                    Unread();
                    break;
                }
            }
            return true;
        }

        private bool ScanLbrackRune(Rune r)
        {
            if ((Mode & ScanLbrack) == 0)
            {
                return false;
            }

            if (r.Value == '$')
            {
                if (Read().Value == '{')
                {
                    return true;
                }

                Unread();
            }
            return false;
        }

        private bool ScanRbrackRune(Rune r) => (Mode & ScanRbrack) != 0 && r.Value == '}';

        private bool ScanEscaped(Rune r)
        {
            if ((Mode & ScanEscape) == 0)
            {
                return false;
            }

            if (r.Value == '$' && (EscapeChars & Dollar) != 0 && Peek() == '$')
            {
                return true;
            }

            if (r.Value == '\\' && (EscapeChars & Backslash) != 0)
            {
                return Peek() is '/' or '\\';
            }

            return false;
        }
    }

    // ---- glob matching for the trim operators (Go's path.Match as forked by Flux: '*' also crosses '/') ----

    private static class Glob
    {
        /// <returns>false on a bad pattern.</returns>
        public static bool TryMatch(string pattern, string name, out bool matched)
        {
            matched = false;
            while (pattern.Length > 0)
            {
                var (star, chunk, rest) = ScanChunk(pattern);
                pattern = rest;
                if (star && chunk.Length == 0)
                {
                    matched = true;
                    return true;
                }
                var (t, ok, bad) = MatchChunk(chunk, name);
                if (ok && (t.Length == 0 || pattern.Length > 0))
                {
                    name = t;
                    continue;
                }
                if (bad)
                {
                    return false;
                }

                if (star)
                {
                    bool found = false;
                    for (int i = 0; i < name.Length; i++)
                    {
                        var (t2, ok2, bad2) = MatchChunk(chunk, name[(i + 1)..]);
                        if (ok2)
                        {
                            if (pattern.Length == 0 && t2.Length > 0)
                            {
                                continue;
                            }

                            name = t2;
                            found = true;
                            break;
                        }
                        if (bad2)
                        {
                            return false;
                        }
                    }
                    if (found)
                    {
                        continue;
                    }
                }
                return true;
            }
            matched = name.Length == 0;
            return true;
        }

        private static (bool Star, string Chunk, string Remaining) ScanChunk(string pattern)
        {
            bool star = false;
            while (pattern.Length > 0 && pattern[0] == '*')
            {
                pattern = pattern[1..];
                star = true;
            }
            bool inRange = false;
            int i;
            for (i = 0; i < pattern.Length; i++)
            {
                switch (pattern[i])
                {
                    case '\\':
                        if (i + 1 < pattern.Length)
                        {
                            i++;
                        }

                        break;
                    case '[':
                        inRange = true;
                        break;
                    case ']':
                        inRange = false;
                        break;
                    case '*' when !inRange:
                        return (star, pattern[..i], pattern[i..]);
                }
            }
            return (star, pattern[..i], pattern[i..]);
        }

        private static (string Remaining, bool Ok, bool Bad) MatchChunk(string chunk, string s)
        {
            while (chunk.Length > 0)
            {
                if (s.Length == 0)
                {
                    return (s, false, false);
                }

                switch (chunk[0])
                {
                    case '[':
                        {
                            char r = s[0];
                            s = s[1..];
                            chunk = chunk[1..];
                            bool notNegated = true;
                            if (chunk.Length > 0 && chunk[0] == '^')
                            {
                                notNegated = false;
                                chunk = chunk[1..];
                            }
                            bool match = false;
                            int nrange = 0;
                            while (true)
                            {
                                if (chunk.Length > 0 && chunk[0] == ']' && nrange > 0)
                                {
                                    chunk = chunk[1..];
                                    break;
                                }
                                if (!GetEsc(ref chunk, out char lo))
                                {
                                    return (s, false, true);
                                }

                                char hi = lo;
                                if (chunk[0] == '-')
                                {
                                    chunk = chunk[1..];
                                    if (!GetEsc(ref chunk, out hi))
                                    {
                                        return (s, false, true);
                                    }
                                }
                                if (lo <= r && r <= hi)
                                {
                                    match = true;
                                }

                                nrange++;
                            }
                            if (match != notNegated)
                            {
                                return (s, false, false);
                            }

                            break;
                        }
                    case '?':
                        s = s[1..];
                        chunk = chunk[1..];
                        break;
                    default:
                        if (chunk[0] == '\\')
                        {
                            chunk = chunk[1..];
                            if (chunk.Length == 0)
                            {
                                return (s, false, true);
                            }
                        }
                        if (chunk[0] != s[0])
                        {
                            return (s, false, false);
                        }

                        s = s[1..];
                        chunk = chunk[1..];
                        break;
                }
            }
            return (s, true, false);
        }

        private static bool GetEsc(ref string chunk, out char r)
        {
            r = '\0';
            if (chunk.Length == 0 || chunk[0] == '-' || chunk[0] == ']')
            {
                return false;
            }

            if (chunk[0] == '\\')
            {
                chunk = chunk[1..];
                if (chunk.Length == 0)
                {
                    return false;
                }
            }
            r = chunk[0];
            chunk = chunk[1..];
            return chunk.Length != 0;
        }
    }
}
