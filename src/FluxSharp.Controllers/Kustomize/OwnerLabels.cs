using System.Text.Json.Nodes;
using FluxSharp.Api;

namespace FluxSharp.Controllers.Kustomize;

/// <summary>The labels kustomize-controller puts on everything a Kustomization applies: its name and namespace.</summary>
public static class OwnerLabels
{
    public static IReadOnlyDictionary<string, string> Of(string name, string ns) => new Dictionary<string, string>
    {
        [FluxLabels.KustomizationName] = name,
        [FluxLabels.KustomizationNamespace] = ns,
    };

    /// <summary>Adds (overwrites) the owner labels on each object.</summary>
    public static void Set(IEnumerable<JsonObject> objects, string name, string ns)
    {
        ArgumentNullException.ThrowIfNull(objects);
        foreach (var obj in objects)
        {
            var meta = obj["metadata"] as JsonObject ?? (JsonObject)(obj["metadata"] = new JsonObject());
            var labels = meta["labels"] as JsonObject ?? (JsonObject)(meta["labels"] = new JsonObject());
            foreach (var (k, v) in Of(name, ns))
            {
                labels[k] = v;
            }
        }
    }
}
