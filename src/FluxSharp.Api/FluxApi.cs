using System.Text.Json.Nodes;
using FluxSharp.Api.Kustomize.V1;
using FluxSharp.Api.Notification.V1beta3;
using FluxSharp.Api.Notification.V1;
using FluxSharp.Api.Schema;
using FluxSharp.Api.Source.V1;

namespace FluxSharp.Api;

/// <summary>The Flux APIs FluxSharp serves, and their generated CustomResourceDefinitions.</summary>
public static class FluxApi
{
    /// <summary>The root types, one per CRD, in install order.</summary>
    public static IReadOnlyList<Type> Kinds { get; } =
    [
        typeof(GitRepository),
        typeof(OCIRepository),
        typeof(Kustomization),
        typeof(Provider),
        typeof(Alert),
        typeof(Receiver),
    ];

    /// <summary>The generated CRD of every kind (fresh objects on each call).</summary>
    public static IReadOnlyList<JsonObject> Crds() => Kinds.Select(CrdGenerator.Generate).ToList();

    /// <summary>Every CRD as YAML keyed by its file name (<c>&lt;group&gt;_&lt;plural&gt;.yaml</c>), ordered by file name.</summary>
    public static IReadOnlyDictionary<string, string> CrdFiles() =>
        new SortedDictionary<string, string>(Kinds.ToDictionary(CrdGenerator.FileName, CrdGenerator.GenerateYaml), StringComparer.Ordinal);

    /// <summary>All CRDs as one multi-document YAML stream, ordered by file name.</summary>
    public static string CrdsYaml() => string.Concat(CrdFiles().Values);

    /// <summary>
    /// Writes every CRD to <paramref name="directory"/> (e.g. config/crd) and deletes the other *.yaml files
    /// there, except a kustomization.yaml; returns the paths written.
    /// </summary>
    public static IReadOnlyList<string> WriteCrds(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        var files = CrdFiles();
        foreach (var stale in Directory.EnumerateFiles(directory, "*.yaml").Where(f => !files.ContainsKey(Path.GetFileName(f)) && !IsKustomization(f)))
        {
            File.Delete(stale);
        }

        var written = new List<string>();
        foreach (var (name, yaml) in files)
        {
            var path = Path.Combine(directory, name);
            File.WriteAllText(path, yaml);
            written.Add(path);
        }

        return written;
    }

    /// <summary>A kustomization.yaml may sit next to the CRDs; it is not generated and never deleted.</summary>
    public static bool IsKustomization(string path) => Path.GetFileName(path) is "kustomization.yaml" or "kustomization.yml";
}
