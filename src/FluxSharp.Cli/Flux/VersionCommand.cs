using System.CommandLine;
using System.Reflection;
using k8s;

namespace FluxSharp.Cli.Flux;

/// <summary>`fluxsharp version [--client]`: this CLI's version and, when a cluster is reachable, the server's /version.</summary>
internal static class VersionCommand
{
    public static Command Create()
    {
        var clientOnly = new Option<bool>("--client") { Description = "print only the client version" };
        var command = new Command("version", "Print the client and server-side versions") { clientOnly };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var version = typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
            Console.Out.WriteLine($"fluxsharp: v{version.Split('+')[0]}");
            if (parse.GetValue(clientOnly))
            {
                return 0;
            }

            using var kube = GlobalOptions.Connect(parse);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(GlobalOptions.TimeoutOf(parse));
            try
            {
                var server = await kube.Version.GetCodeAsync(timeout.Token);
                Console.Out.WriteLine($"kubernetes: {server.GitVersion}");
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException || FluxSharp.Kubernetes.Client.KubeApiException.From(e) is not null)
            {
                throw new CliException($"unable to connect to the cluster: {FluxSharp.Kubernetes.Client.KubeApiException.From(e)?.Message ?? e.Message}");
            }

            return 0;
        });
        return command;
    }
}
