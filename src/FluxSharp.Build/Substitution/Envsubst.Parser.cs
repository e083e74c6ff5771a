using System.Text;

namespace FluxSharp.Build.Substitution;

// The syntax tree and its parser.
public static partial class Envsubst
{
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
}
