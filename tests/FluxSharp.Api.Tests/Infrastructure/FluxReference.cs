using System.Text.Json.Nodes;
using FluxSharp.Api.Schema;
using FluxSharp.Formats;

namespace FluxSharp.Api.Tests.Infrastructure;

/// <summary>Flux's own CRD for one of our kinds, read from the reference directory.</summary>
internal static class FluxReference
{
    public static string PathFor(Type kind) => Path.Combine(RepoPaths.FluxCrdDirectory, CrdGenerator.FileName(kind));

    public static JsonObject CrdFor(Type kind)
    {
        var path = PathFor(kind);
        Assert.True(File.Exists(path), $"Flux's reference CRD for {kind.Name} is missing: {path}");
        return YamlJson.Parse(File.ReadAllText(path)) as JsonObject
            ?? throw new InvalidOperationException($"{path} is not a YAML object");
    }

    public static JsonObject Schema(JsonObject crd) =>
        (JsonObject)crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!;
}
