namespace FluxSharp.Sources.Artifacts;

/// <summary>
/// Decides which files of a source go into its artifact, with gitignore syntax and Flux's rules
/// (fluxcd/pkg sourceignore + source-controller's SourceIgnoreFilter):
/// <list type="bullet">
/// <item>VCS files are always excluded: <c>.git/</c>, <c>.gitignore</c>, <c>.gitmodules</c>, <c>.gitattributes</c>.</item>
/// <item>When there are no user patterns, Flux's default list applies (images, archives, CI files...).</item>
/// <item>User patterns are every <c>.sourceignore</c> file in the tree (scoped to its directory) followed by
/// <c>spec.ignore</c> (scoped to the root). When there are any, they <b>replace</b> the default list.</item>
/// <item>The last matching pattern wins; <c>!pattern</c> re-includes.</item>
/// </list>
/// </summary>
public sealed class SourceIgnore
{
    public const string IgnoreFileName = ".sourceignore";

    /// <summary>Flux's ExcludeVCS.</summary>
    public static readonly IReadOnlyList<string> VcsPatterns = [".git/", ".gitignore", ".gitmodules", ".gitattributes"];

    /// <summary>Flux's ExcludeExt + ExcludeCI + ExcludeExtra.</summary>
    public static readonly IReadOnlyList<string> DefaultPatterns =
    [
        "*.jpg", "*.jpeg", "*.gif", "*.png", "*.wmv", "*.flv", "*.tar.gz", "*.zip",
        ".github/", ".circleci/", ".travis.yml", ".gitlab-ci.yml", "appveyor.yml", ".drone.yml", "cloudbuild.yaml",
        "codeship-services.yml", "codeship-steps.yml",
        "**/.goreleaser.yml", "**/.sops.yaml", "**/.flux.yaml",
    ];

    private readonly List<IgnorePattern> _patterns;

    private SourceIgnore(List<IgnorePattern> patterns) => _patterns = patterns;

    /// <summary>The effective patterns, lowest priority first.</summary>
    public IReadOnlyList<string> Patterns => _patterns.Select(p => p.ToString()).ToList();

    /// <summary>VCS exclusions plus Flux's default list (what a source without ignore rules gets).</summary>
    public static SourceIgnore Default { get; } = FromUserPatterns([]);

    /// <summary>
    /// Flux's rules for a source directory: the <c>.sourceignore</c> files found under <paramref name="sourceDir"/>
    /// and <paramref name="specIgnore"/> (<c>spec.ignore</c>).
    /// </summary>
    public static SourceIgnore Load(string sourceDir, string? specIgnore)
    {
        var user = new List<IgnorePattern>();
        LoadIgnoreFiles(sourceDir, [], user);
        if (specIgnore is not null)
        {
            user.AddRange(Parse(specIgnore, []));
        }

        return FromUserPatterns(user);
    }

    /// <summary>Rules from pattern text (e.g. <c>spec.ignore</c>) alone, as if no <c>.sourceignore</c> files existed.</summary>
    public static SourceIgnore FromText(string? patterns) =>
        FromUserPatterns(patterns is null ? [] : Parse(patterns, []));

    /// <summary>Exactly these patterns, with no VCS or default exclusions (<c>flux push artifact --ignore-paths</c>).</summary>
    public static SourceIgnore FromPatterns(IEnumerable<string> patterns) =>
        new(Parse(string.Join('\n', patterns ?? []), []));

    private static SourceIgnore FromUserPatterns(List<IgnorePattern> user)
    {
        var all = VcsPatterns.Select(p => IgnorePattern.Parse(p, [])!).ToList();
        if (user.Count == 0)
        {
            all.AddRange(DefaultPatterns.Select(p => IgnorePattern.Parse(p, [])!));
        }
        else
        {
            all.AddRange(user);
        }

        return new SourceIgnore(all);
    }

    private static void LoadIgnoreFiles(string dir, string[] domain, List<IgnorePattern> into)
    {
        var file = Path.Combine(dir, IgnoreFileName);
        if (File.Exists(file))
        {
            into.AddRange(Parse(File.ReadAllText(file), domain));
        }

        var subdirs = new DirectoryInfo(dir).EnumerateDirectories()
            .Where(d => d.Name != ".git" && d.LinkTarget is null)
            .Select(d => d.Name)
            .Order(StringComparer.Ordinal);
        foreach (var name in subdirs)
        {
            LoadIgnoreFiles(Path.Combine(dir, name), [.. domain, name], into);
        }
    }

    private static List<IgnorePattern> Parse(string text, string[] domain)
    {
        var result = new List<IgnorePattern>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith('#') || line.Trim().Length == 0)
            {
                continue;
            }

            var p = IgnorePattern.Parse(line, domain);
            if (p is not null)
            {
                result.Add(p);
            }
        }
        return result;
    }

    /// <summary>Whether <paramref name="relativePath"/> (slash-separated, relative to the source root) is excluded.</summary>
    public bool IsIgnored(string relativePath, bool isDirectory)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var segments = relativePath.Replace('\\', '/').Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0)
        {
            return false;
        }

        for (int i = _patterns.Count - 1; i >= 0; i--)
        {
            var p = _patterns[i];
            if (p.Matches(segments, isDirectory))
            {
                return !p.Negated;
            }
        }
        return false;
    }
}

/// <summary>One gitignore pattern with the directory (domain) it applies to.</summary>
internal sealed class IgnorePattern
{
    private readonly string _source;
    private readonly string[] _domain;
    private readonly string[] _glob;

    private IgnorePattern(string source, string[] domain, string[] glob, bool negated, bool dirOnly, bool anchored)
    {
        _source = source;
        _domain = domain;
        _glob = glob;
        Negated = negated;
        DirOnly = dirOnly;
        Anchored = anchored;
    }

    public bool Negated { get; }

    public bool DirOnly { get; }

    public bool Anchored { get; }

    public static IgnorePattern? Parse(string line, string[] domain)
    {
        var source = line;
        // Trailing spaces are ignored unless escaped.
        var p = line;
        while (p.EndsWith(' ') && !p.EndsWith("\\ ", StringComparison.Ordinal))
        {
            p = p[..^1];
        }

        bool negated = false;
        if (p.StartsWith('!'))
        {
            negated = true;
            p = p[1..];
        }
        else if (p.StartsWith("\\!", StringComparison.Ordinal) || p.StartsWith("\\#", StringComparison.Ordinal))
        {
            p = p[1..];
        }
        bool dirOnly = p.EndsWith('/');
        p = p.TrimEnd('/');
        if (p.Length == 0)
        {
            return null;
        }

        bool anchored = p.Contains('/', StringComparison.Ordinal);
        p = p.TrimStart('/');
        if (p.Length == 0)
        {
            return null;
        }

        var glob = p.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return new IgnorePattern(source, domain, glob, negated, dirOnly, anchored);
    }

    public bool Matches(string[] path, bool isDirectory)
    {
        if (path.Length <= _domain.Length)
        {
            return false;
        }

        for (int i = 0; i < _domain.Length; i++)
        {
            if (!string.Equals(path[i], _domain[i], StringComparison.Ordinal))
            {
                return false;
            }
        }
        int start = _domain.Length;
        if (!Anchored)
        {
            // A pattern without a slash matches any path component below its domain.
            for (int i = start; i < path.Length; i++)
            {
                bool isDir = i < path.Length - 1 || isDirectory;
                if (DirOnly && !isDir)
                {
                    continue;
                }

                if (WildMatch(_glob[0], path[i]))
                {
                    return true;
                }
            }
            return false;
        }
        // Anchored: the pattern matches the path or one of its leading directories.
        var rest = path.AsSpan(start).ToArray();
        for (int len = 1; len <= rest.Length; len++)
        {
            bool isDir = len < rest.Length || isDirectory;
            if (DirOnly && !isDir)
            {
                continue;
            }

            if (MatchSegments(_glob, 0, rest, 0, len))
            {
                return true;
            }
        }
        return false;
    }

    private static bool MatchSegments(string[] glob, int gi, string[] path, int pi, int pathLen)
    {
        while (gi < glob.Length)
        {
            if (glob[gi] == "**")
            {
                if (gi == glob.Length - 1)
                {
                    return pi < pathLen; // trailing '**' matches everything inside
                }

                for (int k = pi; k <= pathLen; k++)
                {
                    if (MatchSegments(glob, gi + 1, path, k, pathLen))
                    {
                        return true;
                    }
                }
                return false;
            }
            if (pi >= pathLen || !WildMatch(glob[gi], path[pi]))
            {
                return false;
            }

            gi++;
            pi++;
        }
        return pi == pathLen;
    }

    /// <summary>Glob match of one path segment: <c>*</c>, <c>?</c>, <c>[...]</c> (with <c>!</c>/<c>^</c>), <c>\</c> escapes.</summary>
    internal static bool WildMatch(string pattern, string text) => WildMatch(pattern, 0, text, 0);

    private static bool WildMatch(string p, int pi, string t, int ti)
    {
        while (pi < p.Length)
        {
            char c = p[pi];
            switch (c)
            {
                case '*':
                    while (pi < p.Length && p[pi] == '*')
                    {
                        pi++;
                    }

                    if (pi == p.Length)
                    {
                        return true;
                    }

                    for (int k = ti; k <= t.Length; k++)
                    {
                        if (WildMatch(p, pi, t, k))
                        {
                            return true;
                        }
                    }
                    return false;
                case '?':
                    if (ti >= t.Length)
                    {
                        return false;
                    }

                    pi++;
                    ti++;
                    break;
                case '[':
                {
                    if (ti >= t.Length)
                        {
                            return false;
                        }

                        int i = pi + 1;
                    bool negate = i < p.Length && (p[i] == '!' || p[i] == '^');
                    if (negate)
                        {
                            i++;
                        }

                        int classStart = i;
                    int end = i;
                    if (end < p.Length && p[end] == ']')
                        {
                            end++;
                        }

                        while (end < p.Length && p[end] != ']')
                    {
                        if (p[end] == '\\')
                            {
                                end++;
                            }

                            end++;
                    }
                    if (end >= p.Length)
                    {
                        // No closing bracket: a literal '['.
                        if (t[ti] != '[')
                            {
                                return false;
                            }

                            pi++;
                        ti++;
                        break;
                    }
                    bool matched = false;
                    char ch = t[ti];
                    for (i = classStart; i < end;)
                    {
                        char lo = p[i];
                        if (lo == '\\' && i + 1 < end)
                            {
                                lo = p[++i];
                            }

                            if (i + 2 < end && p[i + 1] == '-')
                        {
                            char hi = p[i + 2];
                            if (hi == '\\' && i + 3 < end)
                            {
                                hi = p[i + 3];
                                i++;
                            }
                            if (ch >= lo && ch <= hi)
                                {
                                    matched = true;
                                }

                                i += 3;
                        }
                        else
                        {
                            if (ch == lo)
                                {
                                    matched = true;
                                }

                                i++;
                        }
                    }
                    if (matched == negate)
                        {
                            return false;
                        }

                        pi = end + 1;
                    ti++;
                    break;
                }
                case '\\':
                    if (pi + 1 < p.Length)
                    {
                        pi++;
                    }

                    if (ti >= t.Length || t[ti] != p[pi])
                    {
                        return false;
                    }

                    pi++;
                    ti++;
                    break;
                default:
                    if (ti >= t.Length || t[ti] != c)
                    {
                        return false;
                    }

                    pi++;
                    ti++;
                    break;
            }
        }
        return ti == t.Length;
    }

    public override string ToString() => _domain.Length == 0 ? _source : $"{string.Join('/', _domain)}: {_source}";
}
