using System.Text.Json.Nodes;

namespace FluxSharp.Api.Tests.Infrastructure;

/// <summary>
/// What Flux's own CRDs say, from the facts file committed beside the tests (tests/FluxSharp.Api.Tests/Reference/
/// flux-crd-facts.json, written by scripts/extract-flux-crd-facts.py): every Flux kind, served by us yet or not.
/// </summary>
internal static class FluxReference
{
    private static readonly Lazy<JsonObject> Document = new(Load);

    public static string FactsPath => RepoPaths.FluxCrdFacts;

    /// <summary>Where the facts came from: Flux's release and the controller repositories' commits.</summary>
    public static JsonObject Upstream => (JsonObject)Document.Value["upstream"]!;

    public static IReadOnlyList<FluxCrdFacts> All =>
        [.. ((JsonObject)Document.Value["crds"]!).Select(crd => new FluxCrdFacts(crd.Key, (JsonObject)crd.Value!))];

    /// <summary>Flux's CRD of the kind our C# type serves (kinds are unique across Flux's groups).</summary>
    public static FluxCrdFacts For(Type kind)
    {
        var matches = All.Where(crd => crd.Kind == kind.Name).ToList();
        Assert.True(matches.Count == 1, $"{FactsPath} has {matches.Count} CRDs of kind {kind.Name}; regenerate it with scripts/extract-flux-crd-facts.py");
        return matches[0];
    }

    private static JsonObject Load()
    {
        Assert.True(File.Exists(FactsPath), $"Flux's CRD facts are missing: {FactsPath} (scripts/extract-flux-crd-facts.py writes it)");
        return JsonNode.Parse(File.ReadAllText(FactsPath)) as JsonObject
            ?? throw new InvalidOperationException($"{FactsPath} is not a JSON object");
    }
}

/// <summary>One Flux CRD's facts: names, scope, and per version its columns, subresources and field paths.</summary>
internal sealed record FluxCrdFacts(string Name, JsonObject Facts)
{
    public string File => (string)Facts["file"]!;

    public string Group => (string)Facts["group"]!;

    public string Kind => (string)Facts["names"]!["kind"]!;

    public JsonObject Names => (JsonObject)Facts["names"]!;

    public JsonObject Annotations => (JsonObject)Facts["annotations"]!;

    public JsonObject Versions => (JsonObject)Facts["versions"]!;

    /// <summary>The version Flux stores, with its name.</summary>
    public (string Name, JsonObject Facts) StorageVersion
    {
        get
        {
            var storage = Versions.Single(v => v.Value?["storage"]?.GetValue<bool>() == true);
            return (storage.Key, (JsonObject)storage.Value!);
        }
    }

    /// <summary>Field path ("" for the root, ".spec.url", ".spec.ref[]", ".status.x{}") to its schema keywords.</summary>
    public SortedDictionary<string, JsonObject> Fields(string version)
    {
        var result = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var (path, facts) in (JsonObject)Versions[version]!["fields"]!)
        {
            result[path] = (JsonObject)facts!;
        }

        return result;
    }

    public override string ToString() => $"{Name} ({File} in {RepoPaths.FluxCrdFacts})";
}
