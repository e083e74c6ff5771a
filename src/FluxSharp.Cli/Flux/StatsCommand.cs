using System.CommandLine;
using System.Globalization;
using FluxSharp.Kubernetes.Client;

namespace FluxSharp.Cli.Flux;

/// <summary>
/// `fluxsharp stats [-A]`: flux's report `RECONCILERS RUNNING FAILING SUSPENDED STORAGE` for the kinds FluxSharp
/// serves: running = not suspended, failing = Ready=False, storage = the sum of status.artifact.size.
/// </summary>
internal static class StatsCommand
{
    private static readonly string[] Header = ["RECONCILERS", "RUNNING", "FAILING", "SUSPENDED", "STORAGE"];

    public static Command Create()
    {
        var all = new Option<bool>("--all-namespaces", "-A") { Description = "list the statistics for objects across all namespaces" };
        var command = new Command("stats", "Stats of Flux reconciles") { all };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var ns = parse.GetValue(all) ? null : GlobalOptions.NamespaceOf(parse);
            using var kube = GlobalOptions.Connect(parse);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(GlobalOptions.TimeoutOf(parse));
            var rows = new List<string[]> { Header };
            foreach (var kind in FluxKinds.Served)
            {
                var items = await kind.ListAsync(new ResourceClient(kube, kind.Resource), ns, timeout.Token);
                var suspended = items.Count(FluxKind.Suspended);
                var failing = items.Count(o => FluxKind.Condition(o, "Ready") is { } ready && (string?)ready["status"] == "False");
                var size = items.Sum(o => (long?)o["status"]?["artifact"]?["size"] ?? 0);
                rows.Add([kind.Kind, Count(items.Count - suspended), Count(failing), Count(suspended), Humanize.Size(size)]);
            }

            Console.Out.Write(GetCommand.Table(rows));
            return 0;
        });
        return command;
    }

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);
}
