using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using FluxSharp.Formats;

namespace FluxSharp.Cli.Flux;

/// <summary>
/// `fluxsharp build kustomization NAME --path DIR`: the local directory rendered as the kustomize controller would
/// for that Kustomization, as flux's multi-document YAML on stdout.
/// </summary>
internal static class BuildCommand
{
    /// <summary>flux's mask for SOPS-encrypted Secret values.</summary>
    private const string SopsMask = "**SOPS**";

    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "the Kustomization's name" };
        var local = LocalBuild.Options("Path to the manifests location.");
        var dryRun = new Option<bool>("--dry-run") { Description = "Dry run mode: no cluster; needs --kustomization-file, skips postBuild.substituteFrom." };
        var ks = new Command("kustomization", "Build Kustomization") { name, dryRun };
        ks.Aliases.Add("ks");
        local.AddTo(ks);
        ks.SetAction(async (parse, cancellationToken) =>
        {
            var path = local.CheckedPath(parse);
            var dry = parse.GetValue(dryRun);
            var file = local.CheckedKustomizationFile(parse);
            if (dry && file is null)
            {
                throw new CliException("dry-run mode requires a kustomization file");
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(GlobalOptions.TimeoutOf(parse));
            using var kube = dry ? null : GlobalOptions.Connect(parse);
            try
            {
                var kustomization = await LocalBuild.ResolveAsync(kube, GlobalOptions.NamespaceOf(parse), parse.GetValue(name)!, file, timeout.Token);
                var objects = await LocalBuild.BuildAsync(kube, kustomization, path, parse.GetValue(local.StrictSubstitute), GlobalOptions.TimeoutOf(parse), timeout.Token);
                Console.Out.Write(Yaml(objects.Select(MaskSops)));
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new CliException($"timed out after {parse.GetValue(GlobalOptions.Timeout)}");
            }

            return 0;
        });
        return new Command("build", "Build a flux resource") { ks, ArtifactCommand.BuildArtifact() };
    }

    /// <summary>flux's ObjectsToYAML: each object with its keys sorted (Go marshals maps so), followed by ---.</summary>
    public static string Yaml(IEnumerable<JsonObject> objects)
    {
        var text = new StringBuilder();
        foreach (var obj in objects)
        {
            text.Append(YamlJson.Serialize(Sorted(obj))).Append("---\n");
        }

        return text.ToString();
    }

    /// <summary>A copy with every map's keys in ordinal order.</summary>
    public static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, Sorted(kv.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Sorted)]),
        _ => node?.DeepClone(),
    };

    /// <summary>
    /// flux build's maskSopsData: SOPS-encrypted Secret values (whole documents with sops metadata, or single
    /// ENC[...] values) are replaced by the mask; plain Secrets are the user's own manifests and print as they are.
    /// </summary>
    public static JsonObject MaskSops(JsonObject obj)
    {
        if ((string?)obj["kind"] != "Secret")
        {
            return obj;
        }

        var encrypted = obj["sops"] is JsonObject sops && ((string?)sops["mac"])?.StartsWith("ENC[", StringComparison.Ordinal) == true;
        if (encrypted)
        {
            obj.Remove("sops");
        }

        // A docker config Secret must stay JSON: flux masks its values as {"mask":"**SOPS**"}.
        var plainMask = encrypted && (string?)obj["type"] == "kubernetes.io/dockerconfigjson" ? $"{{\"mask\":\"{SopsMask}\"}}" : SopsMask;
        var mask = Convert.ToBase64String(Encoding.UTF8.GetBytes(plainMask));

        foreach (var field in new[] { "data", "stringData" })
        {
            if (obj[field] is not JsonObject map)
            {
                continue;
            }

            foreach (var key in map.Select(kv => kv.Key).ToList())
            {
                var value = (string?)map[key] ?? string.Empty;
                var plain = field == "data" ? Decode(value) : value;
                if (encrypted || (plain.Contains("sops", StringComparison.Ordinal) && plain.Contains("ENC[", StringComparison.Ordinal)))
                {
                    map[key] = encrypted && field == "stringData" ? plainMask : mask;
                }
            }
        }

        return obj;

        static string Decode(string value)
        {
            try
            {
                return Encoding.UTF8.GetString(Convert.FromBase64String(value));
            }
            catch (FormatException)
            {
                return string.Empty;
            }
        }
    }
}
