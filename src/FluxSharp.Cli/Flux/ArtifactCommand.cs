using System.CommandLine;
using System.Text.Json;
using System.Text.RegularExpressions;
using FluxSharp.Build;
using FluxSharp.Sources.Oci;
using Semver;

namespace FluxSharp.Cli.Flux;

/// <summary>
/// flux's OCI artifact commands: `push artifact`, `pull artifact`, `tag artifact`, `list artifacts`, `build artifact`,
/// `diff artifact`. Credentials come from `--creds user:password`, else the docker config (~/.docker/config.json or
/// $DOCKER_CONFIG); they are never printed.
/// </summary>
internal static class ArtifactCommand
{
    private static readonly Option<string?> Creds = new("--creds") { Description = "credentials for OCI registry in the format <username>[:<password>] if --provider is generic" };
    private static readonly Option<string> Provider = new("--provider") { Description = "the OCI provider name, available options are: (generic)", DefaultValueFactory = _ => "generic" };
    private static readonly string[] ListHeader = ["ARTIFACT", "DIGEST", "SOURCE", "REVISION"];
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private static readonly Option<bool> InsecureRegistry = new("--insecure-registry") { Description = "allows artifacts to be pushed or pulled without TLS" };

    private static Command WithRegistryOptions(Command command)
    {
        command.Options.Add(Creds);
        command.Options.Add(Provider);
        command.Options.Add(InsecureRegistry);
        return command;
    }

    public static Command Push()
    {
        var url = UrlArgument();
        var path = new Option<string?>("--path", "-f") { Description = "path to the directory or file to be pushed as an OCI artifact" };
        var source = new Option<string?>("--source") { Description = "the source address, e.g. the Git URL" };
        var revision = new Option<string?>("--revision") { Description = "the source revision in the format '<branch|tag>@sha1:<commit-sha>'" };
        var ignore = new Option<string[]>("--ignore-paths") { Description = "set paths to ignore in .gitignore format", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [.. FluxArtifact.DefaultIgnorePaths] };
        var annotations = new Option<string[]>("--annotations", "-a") { Description = "set custom OCI annotations in the format '<key>=<value>'", AllowMultipleArgumentsPerToken = true };
        var reproducible = new Option<bool>("--reproducible") { Description = "ensure reproducible image digests by setting the created timestamp to '1970-01-01T00:00:00Z'" };
        var output = new Option<string?>("--output", "-o") { Description = "the format in which the artifact digest should be printed, can be 'json' or 'yaml'" };
        var artifact = WithRegistryOptions(new Command("artifact", "Push artifact") { url, path, source, revision, ignore, annotations, reproducible, output });
        artifact.SetAction(async (parse, ct) =>
        {
            var reference = ParseUrl(parse.GetValue(url));
            if (reference.Tag is null)
            {
                throw new CliException("the url must contain a tag, e.g. oci://ghcr.io/org/app:v1.0.0");
            }

            var from = parse.GetValue(path) is { Length: > 0 } p ? p : throw new CliException("invalid path, path is required");
            var metadata = new FluxArtifactMetadata
            {
                Source = parse.GetValue(source),
                Revision = parse.GetValue(revision),
                Annotations = Wrap(() => FluxArtifact.ParseAnnotations(parse.GetValue(annotations) ?? [])),
                Reproducible = parse.GetValue(reproducible),
            };
            var format = parse.GetValue(output);
            if (format is not (null or "json" or "yaml"))
            {
                throw new CliException($"--output must be json or yaml, not '{format}'");
            }

            if (format is null)
            {
                Log.Action($"pushing artifact to {reference}");
            }

            using var client = Client(parse, reference);
            var digest = await Wrap(() => FluxArtifact.PushAsync(client, reference, from, (parse.GetValue(ignore) ?? []).SelectMany(SplitList), metadata, null, ct));
            var pushed = reference with { Tag = null, Digest = digest };
            if (format is null)
            {
                Log.Success($"artifact successfully pushed to {pushed}");
            }
            else
            {
                var info = new SortedDictionary<string, string>(StringComparer.Ordinal)
                {
                    ["digest"] = digest,
                    ["repository"] = reference.RepositoryUrl,
                    ["tag"] = reference.Tag,
                    ["url"] = pushed.ToString(),
                };
                Console.Out.WriteLine(format == "json"
                    ? JsonSerializer.Serialize(info, Indented)
                    : string.Concat(info.Select(kv => $"{kv.Key}: {kv.Value}\n")).TrimEnd());
            }

            return 0;
        });
        return new Command("push", "Push artifacts") { artifact };
    }

    public static Command Pull()
    {
        var url = UrlArgument();
        var output = new Option<string?>("--output", "-o") { Description = "path where the artifact content should be extracted." };
        var artifact = WithRegistryOptions(new Command("artifact", "Pull artifact") { url, output });
        artifact.SetAction(async (parse, ct) =>
        {
            var reference = ParseUrl(parse.GetValue(url));
            var target = parse.GetValue(output) is { Length: > 0 } o ? o : throw new CliException("invalid output path, output path is required");
            Log.Action($"pulling artifact from {reference}");
            using var client = Client(parse, reference);
            var layer = await Wrap(() => FluxArtifact.SelectLayerAsync(client, reference, null, ct));
            if (layer.Annotations.TryGetValue(OciAnnotations.Source, out var source))
            {
                Log.Success($"source {source}");
            }

            if (layer.Annotations.TryGetValue(OciAnnotations.Revision, out var revision))
            {
                Log.Success($"revision {revision}");
            }

            Log.Success($"digest {layer.ManifestDigest}");
            await ExtractAsync(client, layer, target, ct);
            Log.Success($"artifact content extracted to {target}");
            return 0;
        });
        return new Command("pull", "Pull artifacts") { artifact };
    }

    public static Command Tag()
    {
        var url = UrlArgument();
        var tags = new Option<string[]>("--tag") { Description = "tag name", AllowMultipleArgumentsPerToken = true };
        var artifact = WithRegistryOptions(new Command("artifact", "Tag artifact") { url, tags });
        artifact.SetAction(async (parse, ct) =>
        {
            var reference = ParseUrl(parse.GetValue(url));
            var names = parse.GetValue(tags) ?? [];
            if (names.Length == 0)
            {
                throw new CliException("--tag is required");
            }

            using var client = Client(parse, reference);
            Log.Action("tagging artifact");
            var (manifest, bytes, _) = await Wrap(() => client.GetManifestAsync(reference, ct));
            foreach (var tag in names)
            {
                if (!OciReference.IsValidTag(tag))
                {
                    throw new CliException($"invalid tag '{tag}'");
                }

                await Wrap(() => client.PutManifestAsync(reference.WithTag(tag), bytes, manifest.MediaType!, ct));
                Log.Success($"artifact tagged as {reference.WithTag(tag)}");
            }

            return 0;
        });
        return new Command("tag", "Tag artifacts") { artifact };
    }

    public static Command List()
    {
        var url = UrlArgument();
        var semver = new Option<string?>("--filter-semver") { Description = "filter tags returned from the oci repository using semver" };
        var regex = new Option<string?>("--filter-regex") { Description = "filter tags returned from the oci repository using regex" };
        var artifacts = WithRegistryOptions(new Command("artifacts", "list artifacts") { url, semver, regex });
        artifacts.SetAction(async (parse, ct) =>
        {
            var reference = ParseUrl(parse.GetValue(url));
            using var client = Client(parse, reference);
            var tags = await Wrap(() => client.ListTagsAsync(reference, ct));
            IEnumerable<string> selected = tags;
            if (parse.GetValue(regex) is { Length: > 0 } pattern)
            {
                var re = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
                selected = selected.Where(t => re.IsMatch(t));
            }

            if (parse.GetValue(semver) is { Length: > 0 } range)
            {
                var parsed = ParseRange(range);
                selected = selected
                    .Select(t => (Tag: t, Version: SemVersion.TryParse(t.TrimStart('v'), SemVersionStyles.Any, out var v) ? v : null))
                    .Where(x => x.Version is not null && parsed.Contains(x.Version))
                    .OrderByDescending(x => x.Version!, SemVersion.SortOrderComparer)
                    .Select(x => x.Tag);
            }

            var rows = new List<string[]> { ListHeader };
            foreach (var tag in selected)
            {
                var layer = await Wrap(() => FluxArtifact.SelectLayerAsync(client, reference.WithTag(tag), null, ct));
                rows.Add([reference.WithTag(tag).ToString(), layer.ManifestDigest,
                    layer.Annotations.GetValueOrDefault(OciAnnotations.Source, ""), layer.Annotations.GetValueOrDefault(OciAnnotations.Revision, "")]);
            }

            var widths = Enumerable.Range(0, 4).Select(i => rows.Max(r => r[i].Length)).ToArray();
            foreach (var row in rows)
            {
                Console.Out.WriteLine(string.Join("\t", row.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
            }

            return 0;
        });
        return new Command("list", "List artifacts") { artifacts };
    }

    /// <summary>`build artifact`: the tar.gz `push artifact` would push, written to a file.</summary>
    public static Command BuildArtifact()
    {
        var path = new Option<string?>("--path", "-p") { Description = "Path to the directory where the Kubernetes manifests are located." };
        var output = new Option<string>("--output", "-o") { Description = "Path to where the artifact tgz file should be written.", DefaultValueFactory = _ => "artifact.tgz" };
        var ignore = new Option<string[]>("--ignore-paths") { Description = "set paths to ignore in .gitignore format", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [.. FluxArtifact.DefaultIgnorePaths] };
        var artifact = new Command("artifact", "Build artifact") { path, output, ignore };
        artifact.SetAction(async (parse, ct) =>
        {
            var from = parse.GetValue(path) is { Length: > 0 } p ? p : throw new CliException("invalid path, path is required");
            var to = parse.GetValue(output)!;
            Log.Action($"building artifact from {from}");
            await using (var file = File.Create(to))
            {
                await Wrap(async () =>
                {
                    await FluxArtifact.BuildAsync(from, (parse.GetValue(ignore) ?? []).SelectMany(SplitList), file, ct);
                    return 0;
                });
            }

            Log.Success($"artifact created at {to}");
            return 0;
        });
        return artifact;
    }

    /// <summary>`diff artifact`: the remote artifact's content against a local directory; exit 1 when they differ.</summary>
    public static Command DiffArtifact()
    {
        var url = UrlArgument();
        var path = new Option<string?>("--path") { Description = "path to the directory or file containing the Kubernetes manifests" };
        var ignore = new Option<string[]>("--ignore-paths") { Description = "set paths to ignore in .gitignore format", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [.. FluxArtifact.DefaultIgnorePaths] };
        var artifact = WithRegistryOptions(new Command("artifact", "Diff Artifact") { url, path, ignore });
        artifact.SetAction(async (parse, ct) =>
        {
            var reference = ParseUrl(parse.GetValue(url));
            var from = parse.GetValue(path) is { Length: > 0 } p ? p : throw new CliException("invalid path, path is required");
            using var client = Client(parse, reference);
            var layer = await Wrap(() => FluxArtifact.SelectLayerAsync(client, reference, null, ct));
            var remote = Path.Combine(Path.GetTempPath(), "fluxsharp-diff-" + Guid.NewGuid().ToString("N"));
            var local = remote + "-local";
            try
            {
                await ExtractAsync(client, layer, remote, ct);
                await using (var tar = new MemoryStream())
                {
                    await Wrap(async () =>
                    {
                        await FluxArtifact.BuildAsync(from, (parse.GetValue(ignore) ?? []).SelectMany(SplitList), tar, ct);
                        return 0;
                    });
                    tar.Position = 0;
                    await ArtifactFetcher.ExtractAsync(tar, local, null, ct);
                }

                var differences = Differences(remote, local);
                if (differences.Count == 0)
                {
                    Log.Success("no changes detected");
                    return 0;
                }

                foreach (var difference in differences)
                {
                    Console.Out.WriteLine(difference);
                }

                Log.Failure("the remote artifact contents differs from the local one");
                return 1;
            }
            finally
            {
                foreach (var dir in new[] { remote, local })
                {
                    if (Directory.Exists(dir))
                    {
                        Directory.Delete(dir, recursive: true);
                    }
                }
            }
        });
        return artifact;
    }

    private static List<string> Differences(string remote, string local)
    {
        static Dictionary<string, byte[]> Files(string root) => Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f).Replace('\\', '/'), File.ReadAllBytes, StringComparer.Ordinal);
        var a = Files(remote);
        var b = Files(local);
        var result = new List<string>();
        foreach (var name in a.Keys.Union(b.Keys).Order(StringComparer.Ordinal))
        {
            if (!b.TryGetValue(name, out var mine))
            {
                result.Add($"only in the remote artifact: {name}");
            }
            else if (!a.TryGetValue(name, out var theirs))
            {
                result.Add($"only in the local path: {name}");
            }
            else if (!theirs.AsSpan().SequenceEqual(mine))
            {
                result.Add($"changed: {name}");
            }
        }

        return result;
    }

    private static async Task ExtractAsync(OciRegistryClient client, OciArtifactLayer layer, string target, CancellationToken ct)
    {
        var file = Path.Combine(Path.GetTempPath(), "fluxsharp-pull-" + Guid.NewGuid().ToString("N") + ".tar.gz");
        try
        {
            await Wrap(async () =>
            {
                await FluxArtifact.DownloadAsync(client, layer, file, ct);
                return 0;
            });
            await using var input = File.OpenRead(file);
            try
            {
                await ArtifactFetcher.ExtractAsync(input, target, null, ct);
            }
            catch (BuildException e)
            {
                throw new CliException($"{layer.Reference}: {e.Message}");
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static Argument<string> UrlArgument() => new("url") { Description = "the OCI artifact address, e.g. oci://ghcr.io/org/app:tag" };

    private static OciReference ParseUrl(string? url) =>
        string.IsNullOrEmpty(url) ? throw new CliException("artifact URL is required") : Wrap(() => OciReference.Parse(url));

    private static IEnumerable<string> SplitList(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static SemVersionRange ParseRange(string range) =>
        SemVersionRange.TryParseNpm(range, includeAllPrerelease: false, out var parsed) ? parsed : throw new CliException($"semver '{range}' parse error: not a valid range");

    private static OciRegistryClient Client(ParseResult parse, OciReference reference)
    {
        if (parse.GetValue(Provider) is { } provider && provider != "generic")
        {
            throw new CliException($"--provider {provider} is not supported by FluxSharp yet; only generic is");
        }

        OciCredentials? credentials = null;
        if (parse.GetValue(Creds) is { Length: > 0 } creds)
        {
            var colon = creds.IndexOf(':', StringComparison.Ordinal);
            credentials = colon < 0 ? new OciCredentials(creds, "") : new OciCredentials(creds[..colon], creds[(colon + 1)..]);
        }
        else
        {
            var dir = Environment.GetEnvironmentVariable("DOCKER_CONFIG") is { Length: > 0 } d ? d
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
            var config = Path.Combine(dir, "config.json");
            if (File.Exists(config))
            {
                credentials = Wrap(() => OciCredentials.FromDockerConfig(File.ReadAllBytes(config), reference.Registry));
            }
        }

        return new OciRegistryClient(new OciClientOptions
        {
            Credentials = credentials,
            Insecure = parse.GetValue(InsecureRegistry),
            Timeout = GlobalOptions.TimeoutOf(parse),
        });
    }

    private static T Wrap<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (OciException e)
        {
            throw new CliException(e.Message);
        }
    }

    private static async Task<T> Wrap<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (OciException e)
        {
            throw new CliException(e.Message);
        }
    }
}
