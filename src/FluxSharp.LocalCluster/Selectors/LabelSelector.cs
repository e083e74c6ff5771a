using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Objects;

namespace FluxSharp.LocalCluster.Selectors;

/// <summary>
/// A parsed label selector as the list/watch `labelSelector` parameter takes it:
/// equality (=, ==, !=), set-based (in, notin), existence (key, !key), comma-joined (AND).
/// </summary>
public sealed class LabelSelector
{
    private readonly List<Requirement> _requirements;

    private LabelSelector(List<Requirement> requirements) => _requirements = requirements;

    public static LabelSelector Everything { get; } = new([]);

    public bool IsEmpty => _requirements.Count == 0;

    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var reqs = new List<Requirement>();
        foreach (var part in SplitTopLevel(text))
        {
            var p = part.Trim();
            if (p.Length == 0)
            {
                continue;
            }

            reqs.Add(ParseRequirement(p));
        }

        return new LabelSelector(reqs);
    }

    /// <summary>A metav1.LabelSelector object (matchLabels, matchExpressions), as in specs and aggregation rules.</summary>
    public static LabelSelector FromObject(JsonObject? selector)
    {
        if (selector is null)
        {
            return Everything;
        }

        var reqs = new List<Requirement>();
        if (selector["matchLabels"] is JsonObject ml)
        {
            foreach (var (k, v) in ml)
            {
                reqs.Add(new Requirement(k, Op.Equals, [v?.GetValue<string>() ?? string.Empty]));
            }
        }

        if (selector["matchExpressions"] is JsonArray me)
        {
            foreach (var e in me.OfType<JsonObject>())
            {
                var key = Obj.Str(e, "key") ?? string.Empty;
                var values = e["values"] is JsonArray va ? va.Select(x => x?.GetValue<string>() ?? string.Empty).ToList() : [];
                var op = Obj.Str(e, "operator") switch
                {
                    "In" => Op.In,
                    "NotIn" => Op.NotIn,
                    "Exists" => Op.Exists,
                    "DoesNotExist" => Op.DoesNotExist,
                    var other => throw ApiException.BadRequest($"invalid label selector operator \"{other}\""),
                };
                reqs.Add(new Requirement(key, op, values));
            }
        }

        return new LabelSelector(reqs);
    }

    public bool Matches(IReadOnlyDictionary<string, string> labels) => _requirements.All(r => r.Matches(labels));

    public bool Matches(JsonObject obj) => IsEmpty || Matches(Obj.Labels(obj));

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return text[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return text[start..];
    }

    private static Requirement ParseRequirement(string p)
    {
        var m = System.Text.RegularExpressions.Regex.Match(p, @"^\s*(\S+?)\s+(in|notin)\s*\(([^)]*)\)\s*$");
        if (m.Success)
        {
            var values = m.Groups[3].Value.Split(',').Select(v => v.Trim()).Where(v => v.Length > 0).ToList();
            return new Requirement(ValidKey(m.Groups[1].Value, p), m.Groups[2].Value == "in" ? Op.In : Op.NotIn, values);
        }

        if (p.StartsWith('!'))
        {
            return new Requirement(ValidKey(p[1..].Trim(), p), Op.DoesNotExist, []);
        }

        foreach (var (token, op) in new[] { ("!=", Op.NotEquals), ("==", Op.Equals), ("=", Op.Equals) })
        {
            var idx = p.IndexOf(token, StringComparison.Ordinal);
            if (idx > 0)
            {
                return new Requirement(ValidKey(p[..idx].Trim(), p), op, [p[(idx + token.Length)..].Trim()]);
            }
        }

        if (p.Contains(' ', StringComparison.Ordinal) || p.Contains('(', StringComparison.Ordinal))
        {
            throw ApiException.BadRequest($"unable to parse requirement: found '{p}', expected: in, notin, =, ==, !=, gt, lt");
        }

        return new Requirement(ValidKey(p, p), Op.Exists, []);
    }

    private static string ValidKey(string key, string requirement)
    {
        if (key.Length == 0 || !System.Text.RegularExpressions.Regex.IsMatch(key, @"^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$"))
        {
            throw ApiException.BadRequest($"unable to parse requirement: invalid label key \"{key}\" in \"{requirement}\"");
        }

        return key;
    }

    private enum Op
    {
        Equals,
        NotEquals,
        In,
        NotIn,
        Exists,
        DoesNotExist,
    }

    private sealed record Requirement(string Key, Op Operator, List<string> Values)
    {
        public bool Matches(IReadOnlyDictionary<string, string> labels)
        {
            var has = labels.TryGetValue(Key, out var value);
            return Operator switch
            {
                Op.Equals or Op.In => has && Values.Contains(value!),
                Op.NotEquals or Op.NotIn => !has || !Values.Contains(value!),
                Op.Exists => has,
                Op.DoesNotExist => !has,
                _ => false,
            };
        }
    }
}
