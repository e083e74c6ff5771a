using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluxSharp.Api.Kustomize.V1;
using FluxSharp.Build;
using FluxSharp.Controllers.Kustomize;
using FluxSharp.Kubernetes.Client;
using FluxSharp.Formats;

namespace FluxSharp.Cli.Flux;

/// <summary>
/// `fluxsharp tree kustomization NAME`: a Kustomization's status.inventory as flux prints it, nested Kustomizations
/// expanded from their own inventories. HelmReleases are leaves (their Helm storage is not read: HelmRelease is not served yet).
/// </summary>
internal static class TreeCommand
{
    private const string FluxGroupSuffix = "toolkit.fluxcd.io";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "the Kustomization's name" };
        var compact = new Option<bool>("--compact") { Description = "list Flux resources only." };
        var output = OutputFormat.Option("json", "yaml");
        var ks = new Command("kustomization", "Print the resource inventory of a Kustomization") { name, compact, output };
        ks.Aliases.Add("ks");
        ks.SetAction((parse, ct) => ReconcileCommand.Run(parse, async (kube, ns, token) =>
        {
            var client = new ResourceClient(kube, FluxKind.Kustomization.Resource);
            var root = await FluxKind.Kustomization.GetAsync(client, ns, parse.GetValue(name)!, token);
            var tree = new Node(new ObjectRef(KustomizeGroup.Name, Kustomization.KindName, FluxKind.NamespaceOf(root), FluxKind.NameOf(root)));
            await AddInventoryAsync(client, tree, root, parse.GetValue(compact), [tree.Resource], token);
            Console.Out.Write(parse.GetValue(output) switch
            {
                "json" => tree.ToJson().ToJsonString(Indented) + "\n",
                "yaml" => YamlJson.Serialize(BuildCommand.Sorted(tree.ToJson())) + "\n",
                _ => tree.Print() + "\n",
            });
        }, ct));
        return new Command("tree", "Print the resources reconciled by Flux") { ks };
    }

    /// <summary>Adds <paramref name="ks"/>'s inventory under <paramref name="parent"/>; <paramref name="expanding"/> holds the Kustomizations above it.</summary>
    private static async Task AddInventoryAsync(ResourceClient client, Node parent, JsonObject ks, bool compact, HashSet<ObjectRef> expanding, CancellationToken cancellationToken)
    {
        var self = parent.Resource;
        var remote = ks["spec"]?["kubeConfig"] is not null;
        foreach (var entry in Inventory.Entries(Inventory.FromJson(ks["status"]?["inventory"])))
        {
            var r = entry.Ref;
            if ((compact && !r.Group.Contains(FluxGroupSuffix, StringComparison.Ordinal)) || r == self)
            {
                continue;
            }

            var child = parent.Add(r);
            // A Kustomization applying to another cluster lists objects there: their inventories are not ours to read.
            // Two Kustomizations applying each other would expand forever: a Kustomization already above is a leaf.
            if (r.Group == KustomizeGroup.Name && r.Kind == Kustomization.KindName && !remote && expanding.Add(r))
            {
                JsonObject nested;
                try
                {
                    nested = await FluxKind.Kustomization.GetAsync(client, r.Namespace, r.Name, cancellationToken);
                }
                catch (CliException e)
                {
                    throw new CliException($"failed to find object: {e.Message}");
                }

                await AddInventoryAsync(client, child, nested, compact, expanding, cancellationToken);
                expanding.Remove(r);
            }
        }
    }

    /// <summary>flux's internal/tree: an object and what it manages.</summary>
    private sealed class Node(ObjectRef resource)
    {
        private readonly List<Node> _children = [];

        public ObjectRef Resource { get; } = resource;

        public Node Add(ObjectRef resource)
        {
            var node = new Node(resource);
            _children.Add(node);
            return node;
        }

        /// <summary>The root line, then ├── / └── branches with │ continuation, as flux draws them.</summary>
        public string Print()
        {
            var text = new StringBuilder(Resource.ToString()).Append('\n');
            PrintChildren(text, string.Empty);
            return text.ToString();
        }

        /// <summary>flux's JSON shape: cli-utils ObjMetadata under "resource", children under "resources" (omitted when none).</summary>
        public JsonObject ToJson()
        {
            var json = new JsonObject
            {
                ["resource"] = new JsonObject
                {
                    ["Namespace"] = Resource.Namespace,
                    ["Name"] = Resource.Name,
                    ["GroupKind"] = new JsonObject { ["Group"] = Resource.Group, ["Kind"] = Resource.Kind },
                },
            };
            if (_children.Count > 0)
            {
                json["resources"] = new JsonArray([.. _children.Select(c => (JsonNode)c.ToJson())]);
            }

            return json;
        }

        private void PrintChildren(StringBuilder text, string prefix)
        {
            for (var i = 0; i < _children.Count; i++)
            {
                var last = i == _children.Count - 1;
                text.Append(prefix).Append(last ? "└── " : "├── ").Append(_children[i].Resource.ToString()).Append('\n');
                _children[i].PrintChildren(text, prefix + (last ? "    " : "│   "));
            }
        }
    }
}
