using System.Globalization;
using System.Text;

namespace FluxSharp.Build.Substitution;

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
public static partial class Envsubst
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
}
