using System.Text.Json.Nodes;
using FluxSharp.Api.Schema;
using FluxSharp.Api.Tests.Infrastructure;

namespace FluxSharp.Api.Tests;

/// <summary>
/// Our generated CRDs against Flux's own, as the committed facts file says them (Reference/flux-crd-facts.json,
/// extracted from Flux's CRDs by scripts/extract-flux-crd-facts.py): every field path Flux has must exist in ours
/// with the same type, and carry the same defaults and validations. Fields we add are allowed.
/// </summary>
public class FluxCompatibilityTests
{
    /// <summary>The keywords that make a field's type.</summary>
    private static readonly string[] TypeKeywords =
    [
        "type", "format", "x-kubernetes-int-or-string", "x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource",
    ];

    /// <summary>The keywords that default or validate a field's value.</summary>
    private static readonly string[] ValidationKeywords =
    [
        "default", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
        "minItems", "maxItems", "minProperties", "maxProperties", "uniqueItems", "nullable", "required",
        "x-kubernetes-validations", "x-kubernetes-list-type", "x-kubernetes-list-map-keys", "x-kubernetes-map-type",
    ];

    /// <summary>
    /// Validations where we deliberately accept more than Flux, each with its reason. Types never differ.
    /// (kind, field path, keyword) -> our value.
    /// </summary>
    private static readonly Dictionary<(string Kind, string Path, string Keyword), string> DeliberateDifferences = new()
    {
        // file:// sources: `fluxsharp dev` syncs the local checkout, and tests use local repositories.
        [("GitRepository", ".spec.url", "pattern")] = "\"^(http|https|ssh|file)://.*$\"",
    };

    public static TheoryData<string> Kinds() => new(FluxApi.Kinds.Select(k => k.Name));

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryFluxFieldExistsWithTheSameType(string kind) => AssertKeywordsMatch(kind, TypeKeywords, reportMissing: true);

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryFluxDefaultAndValidationIsCarriedOver(string kind) => AssertKeywordsMatch(kind, ValidationKeywords, reportMissing: false);

    [Theory]
    [MemberData(nameof(Kinds))]
    public void GroupVersionNamesScopeAndColumnsMatchFlux(string kind)
    {
        var type = KindType(kind);
        var flux = FluxReference.For(type);
        var ours = CrdGenerator.Generate(type);
        var problems = new List<string>();

        void Same(string what, JsonNode? expected, JsonNode? actual)
        {
            if (!JsonNode.DeepEquals(expected, actual))
            {
                problems.Add($"{what}: Flux has {expected?.ToJsonString() ?? "nothing"}, ours has {actual?.ToJsonString() ?? "nothing"}");
            }
        }

        Same("metadata.name", JsonValue.Create(flux.Name), ours["metadata"]?["name"]);
        Same("spec.group", flux.Facts["group"], ours["spec"]?["group"]);
        Same("spec.scope", flux.Facts["scope"], ours["spec"]?["scope"]);
        foreach (var name in new[] { "kind", "listKind", "plural", "singular", "shortNames", "categories" })
        {
            Same($"spec.names.{name}", flux.Names[name], ours["spec"]?["names"]?[name]);
        }

        var (servedName, served) = flux.StorageVersion;
        var version = ours["spec"]!["versions"]!.AsArray().Single()!;
        Same($"spec.versions[{servedName}].name", JsonValue.Create(servedName), version["name"]);
        foreach (var name in new[] { "served", "storage", "subresources", "additionalPrinterColumns" })
        {
            Same($"spec.versions[{servedName}].{name}", served[name], version[name]);
        }

        Same("metadata.annotations[kustomize.toolkit.fluxcd.io/substitute]",
            flux.Annotations[FluxAnnotations.Substitute], ours["metadata"]?["annotations"]?[FluxAnnotations.Substitute]);

        Assert.True(problems.Count == 0, $"{kind} CRD differs from Flux's {flux}:\n  " + string.Join("\n  ", problems));
    }

    private static void AssertKeywordsMatch(string kind, string[] keywords, bool reportMissing)
    {
        var type = KindType(kind);
        var reference = FluxReference.For(type);
        var fluxPaths = reference.Fields(reference.StorageVersion.Name);
        var ourPaths = SchemaPaths.Flatten(OurSchema(CrdGenerator.Generate(type)));
        Assert.True(fluxPaths.Count > 20, $"{kind}: only {fluxPaths.Count} field paths read from {reference}; is the facts file right?");
        var missing = new List<string>();
        var mismatched = new List<string>();
        foreach (var (path, flux) in fluxPaths)
        {
            if (!ourPaths.TryGetValue(path, out var ours))
            {
                if (reportMissing)
                {
                    missing.Add($"{Display(path)} ({Describe(flux, keywords)})");
                }

                continue;
            }

            foreach (var keyword in keywords)
            {
                if (DeliberateDifferences.TryGetValue((kind, path, keyword), out var deliberate) && ours[keyword]?.ToJsonString() == deliberate)
                {
                    continue;
                }

                if (!JsonNode.DeepEquals(flux[keyword], ours[keyword]))
                {
                    mismatched.Add($"{Display(path)}: {keyword} is {ours[keyword]?.ToJsonString() ?? "absent"}, Flux has {flux[keyword]?.ToJsonString() ?? "absent"}");
                }
            }
        }

        Assert.True(
            missing.Count == 0 && mismatched.Count == 0,
            $"{kind}: {missing.Count} Flux field(s) missing, {mismatched.Count} mismatch(es) against {reference}"
            + (missing.Count > 0 ? "\nmissing:\n  " + string.Join("\n  ", missing) : string.Empty)
            + (mismatched.Count > 0 ? "\nmismatched:\n  " + string.Join("\n  ", mismatched) : string.Empty));
    }

    private static Type KindType(string kind) => FluxApi.Kinds.Single(k => k.Name == kind);

    private static JsonObject OurSchema(JsonObject crd) => (JsonObject)crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!;

    private static string Display(string path) => path.Length == 0 ? "(root)" : path;

    private static string Describe(JsonObject schema, string[] keywords) =>
        string.Join(", ", keywords.Where(k => schema[k] is not null).Select(k => $"{k}: {schema[k]!.ToJsonString()}"));
}
