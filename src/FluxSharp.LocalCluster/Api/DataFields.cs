using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Resources;
using FluxSharp.LocalCluster.Schema;

namespace FluxSharp.LocalCluster.Api;

/// <summary>
/// The byte fields of Secrets (data) and ConfigMaps (binaryData) as kube-apiserver decodes them: base64 that Go's
/// decoder refuses is 400 "illegal base64 data at input byte N"; and the total size limit of both kinds, 1 MiB
/// (422 "Too long: may not be more than 1048576 bytes").
/// </summary>
internal static class DataFields
{
    /// <summary>core.MaxSecretSize, which ConfigMaps share.</summary>
    public const int MaxSize = 1024 * 1024;

    /// <summary>400 for a byte field that is not base64, before anything else looks at the object.</summary>
    public static void CheckBase64(ResourceInfo r, JsonObject obj)
    {
        var field = Field(r);
        if (field is null || obj[field] is not JsonObject values)
        {
            return;
        }

        foreach (var (_, value) in values)
        {
            if (value is JsonValue v && v.TryGetValue<string>(out var text) && GoBase64.CorruptAt(text) is { } at)
            {
                throw ApiException.BadRequest($"{r.Kind} in version \"{r.Version}\" cannot be handled as a {r.Kind}: illegal base64 data at input byte {at}");
            }
        }
    }

    /// <summary>422 when keys and values together exceed 1 MiB (after stringData is folded into a Secret's data).</summary>
    public static void CheckSize(ResourceInfo r, JsonObject obj)
    {
        if (r.Group.Length != 0 || r.Kind is not ("Secret" or "ConfigMap"))
        {
            return;
        }

        long total = 0;
        foreach (var (key, value) in obj["data"] as JsonObject ?? [])
        {
            total += Encoding.UTF8.GetByteCount(key) + ByteLength(value, r.Kind == "Secret");
        }

        if (r.Kind == "ConfigMap")
        {
            foreach (var (key, value) in obj["binaryData"] as JsonObject ?? [])
            {
                total += Encoding.UTF8.GetByteCount(key) + ByteLength(value, base64: true);
            }
        }

        if (total > MaxSize)
        {
            // ConfigMaps name the root ("[]"), Secrets their data field, as the real validation does.
            var cause = FieldErrors.TooLong(r.Kind == "Secret" ? "data" : "[]", MaxSize);
            throw ApiException.Invalid(r.Kind, r.Group, Objects.Obj.Name(obj) ?? string.Empty, [cause]);
        }
    }

    private static string? Field(ResourceInfo r) => (r.Group, r.Kind) switch
    {
        ("", "Secret") => "data",
        ("", "ConfigMap") => "binaryData",
        _ => null,
    };

    private static long ByteLength(JsonNode? value, bool base64)
    {
        if (value is not JsonValue v || !v.TryGetValue<string>(out var text))
        {
            return 0;
        }

        if (!base64)
        {
            return Encoding.UTF8.GetByteCount(text);
        }

        var padding = text.EndsWith("==", StringComparison.Ordinal) ? 2 : text.EndsWith('=') ? 1 : 0;
        return Math.Max(0, (text.Length * 3 / 4) - padding);
    }
}

/// <summary>Where Go's base64.StdEncoding.DecodeString fails (its CorruptInputError offset), or null when it decodes.</summary>
internal static class GoBase64
{
    public static int? CorruptAt(string s)
    {
        var si = 0;
        while (si < s.Length)
        {
            // One quantum of four characters; \r and \n are skipped anywhere.
            var j = 0;
            while (j < 4)
            {
                if (si == s.Length)
                {
                    if (j == 0)
                    {
                        return null;
                    }

                    return si - j;
                }

                var c = s[si++];
                if (IsAlphabet(c))
                {
                    j++;
                    continue;
                }

                if (c is '\n' or '\r')
                {
                    continue;
                }

                if (c != '=' || j < 2)
                {
                    return si - 1;
                }

                if (j == 2)
                {
                    // "==" expected: the first is consumed.
                    while (si < s.Length && s[si] is '\n' or '\r')
                    {
                        si++;
                    }

                    if (si == s.Length)
                    {
                        return s.Length;
                    }

                    if (s[si] != '=')
                    {
                        return si - 1;
                    }

                    si++;
                }

                while (si < s.Length && s[si] is '\n' or '\r')
                {
                    si++;
                }

                return si < s.Length ? si : null;
            }
        }

        return null;
    }

    private static bool IsAlphabet(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '/';
}
