using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FluxSharp.Formats;

/// <summary>
/// How Kubernetes tooling (sigs.k8s.io/yaml over go-yaml v2, i.e. YAML 1.1) types an unquoted scalar, and which strings
/// must therefore be quoted when written so that they read back as strings.
/// </summary>
public static partial class YamlScalars
{
    /// <summary>Resolves an unquoted scalar: null, bool (also yes/no/on/off/y/n), int (also 0x, 0o, leading-0 octal, 0b) or float; else a string.</summary>
    public static JsonNode? Resolve(string plain)
    {
        ArgumentNullException.ThrowIfNull(plain);
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

    /// <summary>
    /// Whether a one-line string must be quoted: it would resolve to another type, or a YAML 1.1 reader could take it
    /// as something else (timestamps, sexagesimal numbers, .inf/.nan, merge keys).
    /// </summary>
    public static bool NeedsQuotes(string s) =>
        Resolve(s) is not JsonValue v || v.GetValueKind() != System.Text.Json.JsonValueKind.String || LooksSpecial(s);

    private static bool LooksSpecial(string s) =>
        s == "<<" || s.TrimStart('+', '-').StartsWith('.') && (s.EndsWith("inf", StringComparison.OrdinalIgnoreCase) || s.Equals(".nan", StringComparison.OrdinalIgnoreCase))
        || (s.Length > 0 && char.IsAsciiDigit(s[0]) && (s.Contains(':', StringComparison.Ordinal) || s.Contains('-', StringComparison.Ordinal)));

    internal static bool TryBool(string s, out bool value)
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

    /// <summary>
    /// An int as strconv.ParseInt(s, 0, 64) reads it (underscores dropped), else a finite float; .inf and .nan have no
    /// JSON form and stay strings.
    /// </summary>
    internal static bool TryNumber(string s, out JsonNode? value)
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

        BigInteger acc = 0;
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
}
