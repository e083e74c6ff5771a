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
        var source = PendingKind.With(new Command("source", "Export sources") { Leaf(FluxKind.GitRepository, "git", "Export GitRepository sources in YAML format"), Leaf(FluxKind.OCIRepository, "oci", "Export OCIRepository sources in YAML format") }, PendingKind.Sources("Export"));
        var ks = Leaf(FluxKind.Kustomization, "kustomization", "Export Kustomization resources in YAML format");
        ks.Aliases.Add("ks");
        var receiver = Leaf(FluxKind.Receiver, "receiver", "Export Receiver resources in YAML format");
        return PendingKind.With(new Command("export", "Export resources in YAML format") { All, source, ks, receiver }, PendingKind.Resources("Export", imagePolicy: true));
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
            objects = [.. (await kind.ListAsync(client, ns, token)).OrderBy(FluxKind.NameOf, StringComparer.Ordinal)];
            if (objects.Count == 0)
            {
                throw new CliException($"no objects found in {ns} namespace");
            }
        }
        else
        {
            objects = [await kind.GetAsync(client, ns, name, token)];
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
