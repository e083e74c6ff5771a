using System.Text;

namespace FluxSharp.Build.Substitution;

// The scanner the parser reads tokens from.
public static partial class Envsubst
{
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
}
