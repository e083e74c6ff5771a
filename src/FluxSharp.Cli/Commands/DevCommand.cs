using System.CommandLine;
using System.Runtime.InteropServices;
using FluxSharp.LocalCluster;

namespace FluxSharp.Cli.Commands;

/// <summary>`fluxsharp dev`: the local control plane on 127.0.0.1, with its state kept under --state-dir.</summary>
internal static class DevCommand
{
    public static Command Create()
    {
        var stateDir = new Option<string>("--state-dir") { Description = "where objects and the kubeconfig are kept", DefaultValueFactory = _ => ".fluxsharp" };
        var port = new Option<int>("--port") { Description = "API port on 127.0.0.1 (0 picks a free one)", DefaultValueFactory = _ => 0 };
        var tls = new Option<bool>("--tls") { Description = "serve the API over HTTPS with a self-signed certificate" };
        var noSimulate = new Option<bool>("--no-simulate") { Description = "do not simulate workloads (Deployments stay unready)" };
        var command = new Command("dev", "Run FluxSharp locally: a Kubernetes-API-compatible control plane, no cluster needed")
        {
            stateDir, port, tls, noSimulate,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(stateDir)!,
            parse.GetValue(port),
            parse.GetValue(tls),
            !parse.GetValue(noSimulate),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string stateDir, int port, bool tls, bool simulate, CancellationToken cancellationToken)
    {
        if (port is < 0 or > 65535)
        {
            await Console.Error.WriteLineAsync($"--port: {port} is not a port number (0-65535)").ConfigureAwait(false);
            return 2;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
        {
            ctx.Cancel = true;
            stop.Cancel();
        });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx =>
        {
            ctx.Cancel = true;
            stop.Cancel();
        });

        var options = new LocalControlPlaneOptions { Port = port, StateDir = stateDir, Tls = tls, SimulateWorkloads = simulate };
        LocalControlPlane plane;
        try
        {
            plane = await LocalControlPlane.StartAsync(options, cancellationToken: stop.Token).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await Console.Error.WriteLineAsync($"cannot start the local control plane: {e.Message}").ConfigureAwait(false);
            return 1;
        }

        await using (plane.ConfigureAwait(false))
        {
            var kubeconfig = Path.Combine(stateDir, "kubeconfig");
            await plane.WriteKubeconfigAsync(kubeconfig, stop.Token).ConfigureAwait(false);
            Console.WriteLine($"API server:  {plane.BaseUrl}");
            Console.WriteLine($"kubeconfig:  {Path.GetFullPath(kubeconfig)}");
            Console.WriteLine($"try:         kubectl --kubeconfig {kubeconfig} get namespaces");
            Console.WriteLine("Ctrl-C stops (state is kept).");
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Console.WriteLine("stopping...");
            }
        }

        return 0;
    }
}
