using System.Text.Json.Nodes;
using FluxSharp.Api;
using FluxSharp.Api.Kustomize.V1;
using FluxSharp.Formats;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FluxSharp.Build;

/// <summary>What <see cref="KustomizationGenerator.Generate"/> did.</summary>
/// <param name="DirectoryPath">Absolute path of the directory kustomize builds (<c>spec.path</c> inside the root).</param>
/// <param name="KustomizationFile">Absolute path of the kustomization file that was written.</param>
/// <param name="Created">True when no kustomization file existed and one was generated from the manifests found.</param>
/// <param name="Content">The YAML written to <paramref name="KustomizationFile"/>.</param>
public sealed record GeneratedKustomization(string DirectoryPath, string KustomizationFile, bool Created, string Content);

/// <summary>
/// Flux's kustomization generator (fluxcd/pkg/kustomize Generator): at <c>spec.path</c>, uses the existing
/// kustomization file or generates one listing every Kubernetes manifest below the path, then writes the
/// Kustomization's overlay fields into it in place (<c>namespace</c> from <c>targetNamespace</c>,
/// <c>namePrefix</c>, <c>nameSuffix</c>, <c>patches</c>, <c>components</c>, <c>images</c>, <c>buildMetadata</c>).
/// </summary>
public static class KustomizationGenerator
{
    /// <summary>The kustomization file names kustomize recognises, in its order of preference.</summary>
    public static IReadOnlyList<string> RecognizedFileNames { get; } = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

    /// <summary>
    /// Resolves <c>spec.path</c> inside <paramref name="root"/>. A path that leaves the root, or that does not exist,
    /// is a <see cref="BuildException"/> with reason <c>ArtifactFailed</c> (as Flux reports a missing path).
    /// </summary>
    public static string ResolvePath(string root, string? specPath)
    {
        ArgumentNullException.ThrowIfNull(root);
        var fullRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var rel = (specPath ?? "").Replace('\\', '/');
        if (Path.IsPathRooted(rel) && rel.Length > 0)
        {
            // Flux joins the path onto the artifact root ("/apps" means "<root>/apps").
            rel = rel.TrimStart('/');
        }
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.Combine(fullRoot, rel)));
        if (!IsInside(fullRoot, full))
        {
            throw new BuildException(ConditionReasons.ArtifactFailed,
                $"kustomization path '{specPath}' is outside the source root (it must be relative to the artifact root and must not use '..' to leave it)");
        }

        if (!Directory.Exists(full))
        {
            throw new BuildException(ConditionReasons.ArtifactFailed,
                $"kustomization path not found: '{specPath}' does not exist in the source" + (File.Exists(full) ? " as a directory (it is a file)" : ""));
        }

        return full;
    }

    /// <summary>Finds or generates the kustomization file at <paramref name="dirPath"/> and writes the spec's overlay fields into it.</summary>
    /// <exception cref="BuildException">Reason <c>BuildFailed</c>: a manifest that is not Kubernetes YAML, an invalid kustomization file, a bad component path.</exception>
    public static GeneratedKustomization Generate(string root, string dirPath, KustomizationSpec spec)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(dirPath);
        ArgumentNullException.ThrowIfNull(spec);
        var fullRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var dir = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dirPath));

        string? existing = FindKustomizationFile(dir);
        YamlMappingNode kus;
        bool created;
        string kfile;
        if (existing is not null)
        {
            kfile = existing;
            kus = LoadMapping(kfile, fullRoot);
            created = false;
            var resources = kus.Children.TryGetValue(new YamlScalarNode("resources"), out var r) ? r as YamlSequenceNode : null;
            if (resources is null || resources.Children.Count == 0)
            {
                // Flux: avoid kustomize's "kustomization.yaml is empty" error.
                Set(kus, "buildMetadata", Seq("originAnnotations"));
            }
        }
        else
        {
            kfile = Path.Combine(dir, RecognizedFileNames[0]);
            created = true;
            var files = ScanManifests(fullRoot, dir);
            kus = new YamlMappingNode
            {
                { "apiVersion", "kustomize.config.k8s.io/v1beta1" },
                { "kind", "Kustomization" },
            };
            if (files.Count == 0)
            {
                Set(kus, "namespace", Str("_placeholder"));
            }
            else
            {
                Set(kus, "resources", Seq([.. files]));
            }
        }

        if (!string.IsNullOrEmpty(spec.TargetNamespace))
        {
            Set(kus, "namespace", Str(spec.TargetNamespace));
        }

        if (!string.IsNullOrEmpty(spec.NamePrefix))
        {
            Set(kus, "namePrefix", Str(spec.NamePrefix));
        }

        if (!string.IsNullOrEmpty(spec.NameSuffix))
        {
            Set(kus, "nameSuffix", Str(spec.NameSuffix));
        }

        if (spec.Patches is { Count: > 0 })
        {
            var patches = GetOrAddSequence(kus, "patches", kfile, fullRoot);
            foreach (var p in spec.Patches)
            {
                var entry = new YamlMappingNode { { "patch", Str(p.Content) } };
                if (p.Target is { } t)
                {
                    var target = new YamlMappingNode();
                    AddIf(target, "group", t.Group);
                    AddIf(target, "version", t.Version);
                    AddIf(target, "kind", t.Kind);
                    AddIf(target, "name", t.Name);
                    AddIf(target, "namespace", t.Namespace);
                    AddIf(target, "labelSelector", t.LabelSelector);
                    AddIf(target, "annotationSelector", t.AnnotationSelector);
                    entry.Add("target", target);
                }
                patches.Add(entry);
            }
        }

        if (spec.Components is { Count: > 0 })
        {
            YamlSequenceNode? components = null;
            foreach (var c in spec.Components)
            {
                if (!IsLocalRelativePath(c))
                {
                    throw new BuildException(ConditionReasons.BuildFailed, $"component path '{c}' must be local and relative");
                }

                var full = Path.GetFullPath(Path.Combine(dir, c));
                if (!IsInside(fullRoot, full))
                {
                    throw new BuildException(ConditionReasons.BuildFailed, $"component path '{c}' is outside the source root");
                }

                if (spec.IgnoreMissingComponents == true && !Directory.Exists(full) && !File.Exists(full))
                {
                    continue;
                }

                components ??= GetOrAddSequence(kus, "components", kfile, fullRoot);
                components.Add(Str(c));
            }
        }

        if (spec.Images is { Count: > 0 })
        {
            var images = GetOrAddSequence(kus, "images", kfile, fullRoot);
            foreach (var image in spec.Images)
            {
                var match = images.Children.OfType<YamlMappingNode>().FirstOrDefault(m => ScalarOf(m, "name") == image.Name);
                if (match is not null)
                {
                    // Flux merges into the existing entry; newTag and digest are replaced together.
                    if (!string.IsNullOrEmpty(image.NewName))
                    {
                        Set(match, "newName", Str(image.NewName));
                    }

                    if (!string.IsNullOrEmpty(image.NewTag) || !string.IsNullOrEmpty(image.Digest))
                    {
                        Remove(match, "newTag");
                        Remove(match, "digest");
                        AddIf(match, "newTag", image.NewTag);
                        AddIf(match, "digest", image.Digest);
                    }
                }
                else
                {
                    var entry = new YamlMappingNode { { "name", Str(image.Name) } };
                    AddIf(entry, "newName", image.NewName);
                    AddIf(entry, "newTag", image.NewTag);
                    AddIf(entry, "digest", image.Digest);
                    images.Add(entry);
                }
            }
        }

        if (spec.BuildMetadata is { Count: > 0 })
        {
            Set(kus, "buildMetadata", Seq([.. spec.BuildMetadata]));
        }

        var content = Save(kus);
        try
        {
            File.WriteAllText(kfile, content);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BuildException(ConditionReasons.BuildFailed, $"failed to write {Rel(fullRoot, kfile)}: {e.Message}", e);
        }
        return new GeneratedKustomization(dir, kfile, created, content);
    }

    /// <summary>The kustomization file in <paramref name="dir"/>, or null.</summary>
    public static string? FindKustomizationFile(string dir)
    {
        foreach (var name in RecognizedFileNames)
        {
            var p = Path.Combine(dir, name);
            if (File.Exists(p))
            {
                return p;
            }
        }
        return null;
    }

    /// <summary>kustomize's rule for a local, relative path (not a URL, not absolute).</summary>
    public static bool IsLocalRelativePath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        foreach (var p in new[] { "git::", "gh:", "ssh://", "https://", "http://", "git@", "github.com:", "github.com/" })
        {
            if (p.Length < path.Length && path.StartsWith(p, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }
        var noScheme = path.StartsWith("file://", StringComparison.OrdinalIgnoreCase) ? path[7..] : path;
        return !Path.IsPathRooted(path) && !Path.IsPathRooted(noScheme);
    }

    // ---- manifest scan (plain directories) ----

    private static List<string> ScanManifests(string root, string dir)
    {
        var result = new List<string>();
        Walk(dir);
        return result;

        void Walk(string current)
        {
            var entries = new DirectoryInfo(current).GetFileSystemInfos();
            Array.Sort(entries, (a, b) => string.CompareOrdinal(a.Name, b.Name));
            foreach (var entry in entries)
            {
                var full = entry.FullName;
                if (entry.LinkTarget is not null)
                {
                    var target = entry.ResolveLinkTarget(returnFinalTarget: true);
                    if (target is null || !IsInside(root, Path.GetFullPath(target.FullName)))
                    {
                        throw new BuildException(ConditionReasons.BuildFailed, $"'{Rel(root, full)}' is a symlink pointing outside the source root");
                    }
                }
                if (entry is DirectoryInfo)
                {
                    if (FindKustomizationFile(full) is not null)
                    {
                        result.Add("./" + Rel(dir, full));
                        continue;
                    }
                    Walk(full);
                    continue;
                }
                var ext = Path.GetExtension(entry.Name);
                if (ext != ".yaml" && ext != ".yml")
                {
                    continue;
                }

                ValidateManifest(root, full);
                result.Add("./" + Rel(dir, full));
            }
        }
    }

    // Mirrors kustomize's resource factory check (rf.SliceFromBytes): every non-empty document must be a
    // Kubernetes object with a kind, and a name unless it is a List. Flux fails on such files; so do we.
    private static void ValidateManifest(string root, string file)
    {
        var rel = Rel(root, file);
        IReadOnlyList<JsonNode> docs;
        try
        {
            docs = YamlJson.ParseDocuments(File.ReadAllText(file));
        }
        catch (YamlSyntaxException e)
        {
            throw new BuildException(ConditionReasons.BuildFailed, $"failed to decode Kubernetes YAML from {rel}: line {e.Line}: {e.Message}", e);
        }
        foreach (var doc in docs)
        {
            if (doc is not JsonObject obj)
            {
                throw new BuildException(ConditionReasons.BuildFailed, $"failed to decode Kubernetes YAML from {rel}: missing Resource metadata (the document is not an object)");
            }

            var kind = obj["kind"] is JsonValue k && k.TryGetValue<string>(out var ks) ? ks : "";
            if (kind.Length == 0)
            {
                throw new BuildException(ConditionReasons.BuildFailed, $"failed to decode Kubernetes YAML from {rel}: missing kind in object (not a Kubernetes manifest)");
            }

            if (kind.EndsWith("List", StringComparison.Ordinal))
            {
                continue;
            }

            var meta = obj["metadata"] as JsonObject;
            bool named = meta?["name"] is JsonValue n && n.TryGetValue<string>(out var ns) && ns.Length > 0
                || meta?["generateName"] is JsonValue g && g.TryGetValue<string>(out var gs) && gs.Length > 0;
            if (!named)
            {
                throw new BuildException(ConditionReasons.BuildFailed, $"failed to decode Kubernetes YAML from {rel}: missing metadata.name in {kind} object");
            }
        }
    }

    // ---- confinement: kustomize runs with LoadRestrictionsNone (as Flux), so check that no kustomization reaches outside the root ----

    /// <summary>
    /// Checks the kustomization at <paramref name="dirPath"/> and every local kustomization it reaches (resources,
    /// components, bases): each must be valid YAML (an error names the file and line) and every local path it
    /// references must stay inside <paramref name="root"/>. Flux builds on a filesystem confined to the artifact;
    /// the kustomize CLI has no such option, so the references are checked before it runs.
    /// </summary>
    public static void CheckKustomizations(string root, string dirPath)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(dirPath);
        var fullRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>();
        queue.Enqueue(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dirPath)));
        while (queue.Count > 0)
        {
            var dir = queue.Dequeue();
            if (!seen.Add(dir))
            {
                continue;
            }

            var file = FindKustomizationFile(dir);
            if (file is null)
            {
                continue;
            }

            var kus = LoadMapping(file, fullRoot);
            foreach (var (field, path) in ReferencedPaths(kus))
            {
                if (!IsLocalRelativePath(path))
                {
                    if (Path.IsPathRooted(path) || path.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
                    {
                        throw new BuildException(ConditionReasons.BuildFailed,
                            $"{Rel(fullRoot, file)}: {field} '{path}' is an absolute path; only paths inside the source are allowed");
                    }

                    continue; // remote base: kustomize fetches it
                }
                var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.Combine(dir, path)));
                if (!IsInside(fullRoot, full))
                {
                    throw new BuildException(ConditionReasons.BuildFailed,
                        $"{Rel(fullRoot, file)}: {field} '{path}' points outside the source root");
                }

                if (field is "resources" or "bases" or "components" && Directory.Exists(full))
                {
                    queue.Enqueue(full);
                }
            }
        }
    }

    private static IEnumerable<(string Field, string Path)> ReferencedPaths(YamlMappingNode kus)
    {
        foreach (var field in new[] { "resources", "bases", "components", "crds", "configurations", "transformers", "generators", "validators", "patchesStrategicMerge" })
        {
            foreach (var s in Strings(Child(kus, field)))
            {
                if (!s.Contains('\n', StringComparison.Ordinal))
                {
                    yield return (field, s);
                }
            }
        }
        foreach (var field in new[] { "patches", "patchesJson6902", "replacements" })
        {
            if (Child(kus, field) is YamlSequenceNode seq)
            {
                foreach (var m in seq.Children.OfType<YamlMappingNode>())
                {
                    if (ScalarOf(m, "path") is { Length: > 0 } p)
                    {
                        yield return (field, p);
                    }
                }
            }
        }
        foreach (var field in new[] { "configMapGenerator", "secretGenerator" })
        {
            if (Child(kus, field) is not YamlSequenceNode seq)
            {
                continue;
            }

            foreach (var m in seq.Children.OfType<YamlMappingNode>())
            {
                foreach (var f in Strings(Child(m, "files")))
                {
                    int eq = f.IndexOf('=', StringComparison.Ordinal);
                    yield return (field + ".files", eq >= 0 ? f[(eq + 1)..] : f);
                }
                foreach (var e in Strings(Child(m, "envs")))
                {
                    yield return (field + ".envs", e);
                }

                if (ScalarOf(m, "env") is { Length: > 0 } env)
                {
                    yield return (field + ".env", env);
                }
            }
        }
        if (Child(kus, "openapi") is YamlMappingNode openapi && ScalarOf(openapi, "path") is { Length: > 0 } op)
        {
            yield return ("openapi", op);
        }
    }

    // ---- YAML helpers ----

    private static YamlMappingNode LoadMapping(string file, string root)
    {
        var text = File.ReadAllText(file);
        try
        {
            YamlJson.ParseDocuments(text);
        }
        catch (YamlSyntaxException e)
        {
            throw new BuildException(ConditionReasons.BuildFailed,
                $"invalid kustomization file {Rel(root, file)}: line {e.Line}: {e.Message}", e);
        }
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            throw new BuildException(ConditionReasons.BuildFailed, $"invalid kustomization file {Rel(root, file)}: {e.Message}", e);
        }
        if (stream.Documents.Count == 0)
        {
            return new YamlMappingNode();
        }

        if (stream.Documents.Count > 1 || stream.Documents[0].RootNode is not YamlMappingNode map)
        {
            throw new BuildException(ConditionReasons.BuildFailed, $"invalid kustomization file {Rel(root, file)}: expected a single YAML mapping");
        }

        return map;
    }

    private static string Save(YamlMappingNode kus)
    {
        var sw = new StringWriter(System.Globalization.CultureInfo.InvariantCulture) { NewLine = "\n" };
        new YamlStream(new YamlDocument(kus)).Save(sw, assignAnchors: false);
        var text = sw.ToString();
        // YamlStream.Save ends the document with "...": drop it for a plain single-document file.
        if (text.EndsWith("...\n", StringComparison.Ordinal))
        {
            text = text[..^4];
        }

        return text;
    }

    private static YamlNode? Child(YamlMappingNode m, string key) =>
        m.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    private static string? ScalarOf(YamlMappingNode m, string key) => (Child(m, key) as YamlScalarNode)?.Value;

    private static IEnumerable<string> Strings(YamlNode? node) =>
        node is YamlSequenceNode seq ? seq.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "").Where(s => s.Length > 0) : [];

    private static void Set(YamlMappingNode m, string key, YamlNode value) => m.Children[new YamlScalarNode(key)] = value;

    private static void Remove(YamlMappingNode m, string key) => m.Children.Remove(new YamlScalarNode(key));

    private static void AddIf(YamlMappingNode m, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            m.Children[new YamlScalarNode(key)] = Str(value);
        }
    }

    private static YamlSequenceNode GetOrAddSequence(YamlMappingNode m, string key, string file, string root)
    {
        var existing = Child(m, key);
        if (existing is YamlSequenceNode seq)
        {
            return seq;
        }

        if (existing is null || existing is YamlScalarNode { Value: null or "" or "null" or "~" })
        {
            seq = new YamlSequenceNode();
            Set(m, key, seq);
            return seq;
        }
        throw new BuildException(ConditionReasons.BuildFailed, $"invalid kustomization file {Rel(root, file)}: '{key}' must be a list");
    }

    // Strings are written quoted when a YAML reader would otherwise type them (e.g. a tag "1.10").
    private static YamlScalarNode Str(string value)
    {
        var node = new YamlScalarNode(value);
        if (value.Contains('\n', StringComparison.Ordinal))
        {
            node.Style = ScalarStyle.Literal;
        }
        else if (YamlScalars.Resolve(value) is not JsonValue v || v.GetValueKind() != System.Text.Json.JsonValueKind.String)
        {
            node.Style = ScalarStyle.DoubleQuoted;
        }

        return node;
    }

    private static YamlSequenceNode Seq(params string[] values) => new(values.Select(v => (YamlNode)Str(v)));

    internal static bool IsInside(string root, string full) =>
        full == root || full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    internal static string Rel(string root, string full) => Path.GetRelativePath(root, full).Replace('\\', '/');
}
