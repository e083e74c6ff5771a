using System.CommandLine;
using FluxSharp.Cli.Install;
using FluxSharp.Kubernetes.Client;

namespace FluxSharp.Cli.Flux;

/// <summary>
/// `fluxsharp uninstall`: flux uninstall. Deletes FluxSharp's components, its objects (finalizers removed first, so
/// nothing they applied is pruned), its CRDs and the namespace; the user's workloads stay.
/// </summary>
internal static class UninstallCommand
{
    public static Command Create()
    {
        var keepNamespace = new Option<bool>("--keep-namespace") { Description = "skip namespace deletion" };
        var dryRun = new Option<bool>("--dry-run") { Description = "only print the objects that would be deleted" };
        var silent = new Option<bool>("--silent", "-s") { Description = "delete components without asking for confirmation" };
        var command = new Command("uninstall", "Uninstall FluxSharp and its custom resource definitions") { keepNamespace, dryRun, silent };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var ns = GlobalOptions.NamespaceOf(parse);
            if (!parse.GetValue(dryRun) && !parse.GetValue(silent))
            {
                await Console.Out.WriteAsync("Are you sure you want to delete FluxSharp and its custom resource definitions? [y/N] ");
                var answer = await Console.In.ReadLineAsync(cancellationToken);
                if (answer?.Trim().ToLowerInvariant() is not ("y" or "yes"))
                {
                    throw new CliException("aborting");
                }
            }

            using var kube = GlobalOptions.Connect(parse);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(GlobalOptions.TimeoutOf(parse));
            await new Uninstaller(new KubeClient(kube), ns, parse.GetValue(dryRun)).RunAsync(parse.GetValue(keepNamespace), timeout.Token);
            Log.Success("uninstall finished");
            return 0;
        });
        return command;
    }
}
