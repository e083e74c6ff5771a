using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FluxSharp.Api;
using FluxSharp.Api.Kustomize.V1;
using FluxSharp.Formats;

namespace FluxSharp.Build;

/// <summary>The manifests a Kustomization builds.</summary>
/// <param name="Objects">The objects, in kustomize's output order, after substitution and common metadata.</param>
/// <param name="Checksum"><c>sha256:&lt;hex&gt;</c> of the built YAML (after substitution, before common metadata, as Flux).</param>
public sealed record BuildResult(IReadOnlyList<JsonObject> Objects, string Checksum);

/// <summary>Settings of <see cref="KustomizeBuilder.BuildAsync(string, KustomizationSpec, IReadOnlyDictionary{string, string}?, KustomizeBuildOptions?, CancellationToken)"/>.</summary>
public sealed record KustomizeBuildOptions
{
    /// <summary>Kills kustomize after this long.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Flux's StrictPostBuildSubstitutions feature gate (on by default in current Flux).</summary>
    public bool StrictSubstitutions { get; init; } = true;
}

/// <summary>
/// The build half of Flux's kustomize-controller: generate/overlay the kustomization file, run kustomize,
/// substitute variables, add the common metadata.
/// </summary>
public static class KustomizeBuilder
{
    /// <inheritdoc cref="BuildAsync(string, KustomizationSpec, IReadOnlyDictionary{string, string}?, KustomizeBuildOptions?, CancellationToken)"/>
    public static Task<BuildResult> BuildAsync(string sourceRoot, KustomizationSpec spec, IReadOnlyDictionary<string, string>? substitutions, CancellationToken cancellationToken) =>
        BuildAsync(sourceRoot, spec, substitutions, null, cancellationToken);

    /// <summary>
    /// Builds the manifests of <paramref name="spec"/> from the extracted artifact at <paramref name="sourceRoot"/>.
    /// Like Flux, it writes the (generated or amended) kustomization file into the tree, so pass a scratch copy
    /// such as the directory <see cref="ArtifactFetcher"/> extracted into.
    /// </summary>
    /// <param name="sourceRoot">The extracted artifact.</param>
    /// <param name="spec">The Kustomization spec (path, patches, images, components, namePrefix/Suffix, targetNamespace, commonMetadata, postBuild).</param>
    /// <param name="substitutions">
    /// The post-build variables, already merged with <see cref="Substitution.SubstitutionVariables.Merge"/> (substituteFrom
    /// then inline). When null, only <c>spec.postBuild.substitute</c> is used. Nothing is substituted when
    /// <c>spec.postBuild</c> is not set (as Flux).
    /// </param>
    /// <param name="options">Timeout and strictness; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the build and kills kustomize.</param>
    /// <exception cref="BuildException">With reason <c>ArtifactFailed</c> (path outside the root or missing) or <c>BuildFailed</c>.</exception>
    public static async Task<BuildResult> BuildAsync(string sourceRoot, KustomizationSpec spec, IReadOnlyDictionary<string, string>? substitutions,
        KustomizeBuildOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sourceRoot);
        ArgumentNullException.ThrowIfNull(spec);
        options ??= new KustomizeBuildOptions();
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(sourceRoot));
        if (!Directory.Exists(root))
        {
            throw new BuildException(ConditionReasons.ArtifactFailed, $"source directory '{sourceRoot}' does not exist");
        }

        var dir = KustomizationGenerator.ResolvePath(root, spec.Path);
        KustomizationGenerator.Generate(root, dir, spec);
        KustomizationGenerator.CheckKustomizations(root, dir);

        var yaml = await KustomizeRunner.BuildAsync(dir, root, options.Timeout, cancellationToken);

        IReadOnlyList<(JsonNode Node, string Text)> docs;
        try
        {
            docs = YamlJson.ParseDocumentsWithText(yaml);
        }
        catch (YamlSyntaxException e)
        {
            throw new BuildException(ConditionReasons.BuildFailed, $"kustomize build failed: cannot parse kustomize output at line {e.Line}: {e.Message}", e);
        }

        var documents = docs.Select(d => (Object: d.Node as JsonObject ?? throw NotAnObject(d.Node), Text: (string?)d.Text)).ToList();
        foreach (var (obj, _) in documents)
        {
            Validate(obj);
        }

        IReadOnlyList<JsonObject> objects = [.. documents.Select(d => d.Object)];

        if (spec.PostBuild is { } postBuild)
        {
            var vars = substitutions ?? Substitution.SubstitutionVariables.Merge([], postBuild.Substitute?.AsReadOnly());
            bool always = postBuild.SubstituteStrategy == SubstituteStrategies.Always;
            objects = Substitution.Substitution.ApplyToDocuments(documents, vars, options.StrictSubstitutions, always);
            foreach (var obj in objects)
            {
                Validate(obj);
            }
        }

        var checksum = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(YamlJson.SerializeAll(objects))));

        if (spec.CommonMetadata is { } common)
        {
            ApplyCommonMetadata(objects, common);
        }

        return new BuildResult(objects, checksum);
    }

    /// <summary>Flux's SetCommonMetadata: adds the labels and annotations to every object, overriding same keys.</summary>
    public static void ApplyCommonMetadata(IEnumerable<JsonObject> objects, CommonMetadata common)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(common);
        foreach (var obj in objects)
        {
            if (obj["metadata"] is not JsonObject meta)
            {
                meta = new JsonObject();
                obj["metadata"] = meta;
            }
            Merge(meta, "labels", common.Labels);
            Merge(meta, "annotations", common.Annotations);
        }

        static void Merge(JsonObject meta, string field, IDictionary<string, string>? values)
        {
            if (values is null || values.Count == 0)
            {
                return;
            }

            if (meta[field] is not JsonObject map)
            {
                map = new JsonObject();
                meta[field] = map;
            }
            foreach (var (k, v) in values)
            {
                map[k] = v;
            }
        }
    }

    private static BuildException NotAnObject(JsonNode node) =>
        new(ConditionReasons.BuildFailed, $"kustomize build failed: the output holds a document that is not an object: {node.ToJsonString()}");

    // Flux: resources must conform to the Kubernetes API conventions.
    private static void Validate(JsonObject obj)
    {
        static string S(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";
        if (S(obj["apiVersion"]).Length == 0 || S(obj["kind"]).Length == 0 || S((obj["metadata"] as JsonObject)?["name"]).Length == 0)
        {
            throw new BuildException(ConditionReasons.BuildFailed,
                $"failed to decode Kubernetes apiVersion, kind and name from: {YamlJson.Serialize(obj).TrimEnd()}");
        }
    }
}
