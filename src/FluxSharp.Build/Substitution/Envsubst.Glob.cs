namespace FluxSharp.Build.Substitution;

// Go's path.Match for the trim operators.
public static partial class Envsubst
{
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
