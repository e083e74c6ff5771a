using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluxSharp.Formats;

namespace FluxSharp.Cli.Flux;

/// <summary>`-o/--output yaml|json` where a command can print objects instead of its table or messages.</summary>
internal static class OutputFormat
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>A fresh -o option (an option object belongs to one command) accepting the given formats.</summary>
    public static Option<string?> Option(params string[] formats)
    {
        var option = new Option<string?>("--output", "-o") { Description = $"the format in which to print: {string.Join('|', formats)}" };
        option.AcceptOnlyFromAmong(formats);
        return option;
    }

    /// <summary>Objects as YAML documents separated by ---, as kubectl and flux print them.</summary>
    public static string Yaml(IEnumerable<JsonNode?> objects) => YamlJson.SerializeAll(objects);

    /// <summary>One object as indented JSON; several as a v1 List, as kubectl prints them.</summary>
    public static string Json(IReadOnlyList<JsonNode?> objects)
    {
        var node = objects.Count == 1
            ? objects[0]?.DeepClone()
            : new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = new JsonArray([.. objects.Select(o => o?.DeepClone())]) };
        return (node?.ToJsonString(Indented) ?? "null") + "\n";
    }

    /// <summary>Prints the objects to stdout in the format; false when the format is a table (the caller prints it).</summary>
    public static bool TryPrint(string? format, IReadOnlyList<JsonNode?> objects)
    {
        switch (format)
        {
            case "yaml":
                Console.Out.Write(Yaml(objects));
                return true;
            case "json":
                Console.Out.Write(Json(objects));
                return true;
            default:
                return false;
        }
    }
}
