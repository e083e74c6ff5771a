using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using FluxSharp.Api;
using FluxSharp.Build;
using FluxSharp.Controllers.Kustomize;
using FluxSharp.Kubernetes.Apply;
using FluxSharp.Kubernetes.Client;

namespace FluxSharp.Cli.Flux;

/// <summary>
/// `fluxsharp diff kustomization NAME --path DIR`: build as `build kustomization` does, server-side apply dry-run every
/// object as kustomize-controller, and print what would change. Exit 0: no change; 1: changes; 2: the diff failed.
/// </summary>
internal static class DiffCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "the Kustomization's name" };
        var local = LocalBuild.Options("Path to a local directory that matches the specified Kustomization.spec.path.");
        var ks = new Command("kustomization", "Diff Kustomization") { name };
        ks.Aliases.Add("ks");
        local.AddTo(ks);
        ks.SetAction(async (parse, cancellationToken) =>
        {
            // As flux: failures are exit code 2, so that 1 always means "there are changes".
            try
            {
                return await RunAsync(parse, parse.GetValue(name)!, local, cancellationToken);
            }
            catch (CliException e)
            {
                Log.Failure(e.Message);
                return 2;
            }
        });
        return new Command("diff", "Diff a flux resource") { ks, ArtifactCommand.DiffArtifact() };
    }

    private static async Task<int> RunAsync(ParseResult parse, string name, LocalBuild local, CancellationToken cancellationToken)
    {
        var path = local.CheckedPath(parse);
        var file = local.CheckedKustomizationFile(parse);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(GlobalOptions.TimeoutOf(parse));
        using var kube = GlobalOptions.Connect(parse);
        var changed = false;
        try
        {
            var kustomization = await LocalBuild.ResolveAsync(kube, GlobalOptions.NamespaceOf(parse), name, file, timeout.Token);
            var objects = await LocalBuild.BuildAsync(kube, kustomization, path, parse.GetValue(local.StrictSubstitute), GlobalOptions.TimeoutOf(parse), timeout.Token);

            var applier = new ResourceApplier(kube);
            var options = KustomizeApplyOptions.Apply(force: kustomization.Spec.Force == true);
            var output = new StringBuilder();
            var errors = new List<string>();
            var applied = new List<InventoryEntry>();
            foreach (var obj in objects)
            {
                DiffResult result;
                try
                {
                    result = await applier.DiffAsync(obj, options, timeout.Token);
                }
                catch (ApplyException e)
                {
                    // Keep going: every diff is worth seeing; the failures end the command after.
                    errors.Add(e.Message);
                    continue;
                }
                catch (KubeApiException e)
                {
                    errors.Add($"{InventoryEntry.From(obj)} dry-run failed: {e.Message}");
                    continue;
                }

                applied.Add(result.Entry.Entry);
                switch (result.Entry.Action)
                {
                    case ChangeAction.Skipped:
                        output.Append($"► {result.Entry.Subject} skipped\n");
                        break;
                    case ChangeAction.Created:
                        output.Append($"► {result.Entry.Subject} created\n");
                        changed = true;
                        break;
                    case ChangeAction.Configured:
                        output.Append($"► {result.Entry.Subject} drifted\n");
                        output.Append(ObjectDiff.Report(result.Live!, result.DryRun!));
                        changed = true;
                        break;
                }
            }

            if (kustomization.Spec.Prune && errors.Count == 0)
            {
                var stale = Inventory.Stale(kustomization.Status?.Inventory, Inventory.Create(applied)).ToList();
                stale.Sort((a, b) => KindOrder.Compare(a.Ref, b.Ref));
                foreach (var entry in stale)
                {
                    output.Append($"► {entry.Ref} deleted\n");
                    changed = true;
                }
            }

            Console.Out.Write(output.ToString());
            if (errors.Count > 0)
            {
                throw new CliException(string.Join("\n", errors));
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new CliException($"timed out after {parse.GetValue(GlobalOptions.Timeout)}");
        }
        catch (FormatException e)
        {
            // An unparsable inventory id.
            throw new CliException(e.Message);
        }
        catch (HttpRequestException e)
        {
            // The cluster went away after the Kustomization was read.
            throw new CliException(e.Message);
        }

        if (!changed)
        {
            return 0;
        }

        LocalBuild.Warning("identified at least one change, exiting with non-zero exit code");
        return 1;
    }
}
