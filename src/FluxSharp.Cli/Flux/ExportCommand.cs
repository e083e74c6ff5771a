using System.CommandLine;
using System.Text.Json.Nodes;
using FluxSharp.Kubernetes.Client;

namespace FluxSharp.Cli.Flux;

/// <summary>`fluxsharp export source git|kustomization [NAME] [--all]`: the objects as clean YAML, as flux exports them.</summary>
internal static class ExportCommand
{
    private static readonly Option<bool> All = new("--all") { Description = "select all resources", Recursive = true };

    public static Command Create()
    {
        var source = new Command("source", "Export sources")
        {
            Leaf(FluxKind.GitRepository, "git", "Export GitRepository sources in YAML format"),
            PendingKind.OCIRepository.Command("oci", "Export OCIRepository sources in YAML format"),
            PendingKind.HelmRepository.Command("helm", "Export HelmRepository sources in YAML format"),
            PendingKind.HelmChart.Command("chart", "Export HelmChart sources in YAML format"),
            PendingKind.Bucket.Command("bucket", "Export Bucket sources in YAML format"),
        };
        var ks = Leaf(FluxKind.Kustomization, "kustomization", "Export Kustomization resources in YAML format");
        ks.Aliases.Add("ks");
        var image = new Command("image", "Export image automation objects")
        {
            PendingKind.ImageRepository.Command("repository", "Export ImageRepository resources in YAML format"),
            PendingKind.ImagePolicy.Command("policy", "Export ImagePolicy resources in YAML format"),
            PendingKind.ImageUpdateAutomation.Command("update", "Export ImageUpdateAutomation resources in YAML format"),
        };
        return new Command("export", "Export resources in YAML format")
        {
            All, source, ks, image,
            PendingKind.HelmRelease.Command("helmrelease", "Export HelmRelease resources in YAML format", "hr"),
            PendingKind.Alert.Command("alert", "Export Alert resources in YAML format"),
            PendingKind.Provider.Command("alert-provider", "Export Provider resources in YAML format"),
            PendingKind.Receiver.Command("receiver", "Export Receiver resources in YAML format"),
        };
    }

    private static Command Leaf(FluxKind kind, string name, string description)
    {
        var objectName = new Argument<string?>("name") { Description = $"the {kind.Kind}'s name", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command(name, description) { objectName };
        command.SetAction((parse, ct) =>
        {
            if (!parse.GetValue(All) && string.IsNullOrEmpty(parse.GetValue(objectName)))
            {
                throw new CliException("name is required");
            }

            return ReconcileCommand.Run(parse, (kube, ns, token) => ExportAsync(kind, kube, ns, parse.GetValue(All) ? null : parse.GetValue(objectName), token), ct);
        });
        return command;
    }

    /// <summary>One object by name, or all in the namespace (<paramref name="name"/> null), printed as flux's YAML.</summary>
    private static async Task ExportAsync(FluxKind kind, k8s.Kubernetes kube, string ns, string? name, CancellationToken token)
    {
        var client = new ResourceClient(kube, kind.Resource);
        List<JsonObject> objects;
        if (name is null)
        {
            objects = [.. (await kind.ListAsync(client, ns, token).ConfigureAwait(false)).OrderBy(FluxKind.NameOf, StringComparer.Ordinal)];
            if (objects.Count == 0)
            {
                throw new CliException($"no objects found in {ns} namespace");
            }
        }
        else
        {
            objects = [await kind.GetAsync(client, ns, name, token).ConfigureAwait(false)];
        }

        foreach (var o in objects)
        {
            // List items may come without their type; flux's typed export always writes it.
            o["apiVersion"] ??= kind.Resource.ApiVersion;
            o["kind"] ??= kind.Kind;
        }

        Console.Out.Write(FluxExport.Yaml(objects));
    }
}
