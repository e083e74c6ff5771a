using System.CommandLine;
using System.Runtime.InteropServices;
using FluxSharp.Controllers;
using FluxSharp.Controllers.Source;
using FluxSharp.LocalCluster;
using FluxSharp.LocalCluster.Storage;
using FluxSharp.Manager;
using k8s;
using Microsoft.Extensions.Logging;

namespace FluxSharp.Cli.Commands;

/// <summary>
/// `fluxsharp dev`: the local control plane on 127.0.0.1 with its state under --state-dir, Flux's CRDs,
/// every controller in-process, and by default a GitRepository syncing this repository.
/// </summary>
internal static class DevCommand
{
    public static Command Create()
    {
        var stateDir = new Option<string>("--state-dir") { Description = "where objects, artifacts and the kubeconfig are kept", DefaultValueFactory = _ => ".fluxsharp" };
        var port = new Option<int>("--port") { Description = "API port on 127.0.0.1 (0 picks a free one)", DefaultValueFactory = _ => 0 };
        var tls = new Option<bool>("--tls") { Description = "serve the API over HTTPS with a self-signed certificate (kept in --state-dir); --tls=false serves plain HTTP, where kubectl sends no token and so cannot authenticate", DefaultValueFactory = _ => true };
        var noSimulate = new Option<bool>("--no-simulate") { Description = "do not simulate workloads (Deployments stay unready)" };
        var noControllers = new Option<bool>("--no-controllers") { Description = "run only the control plane, no Flux controllers" };
        var noSync = new Option<bool>("--no-sync") { Description = "do not create the sample GitRepository" };
        var url = new Option<string?>("--url") { Description = "repository to sync (default: this checkout, as a file:// URL)" };
        var branch = new Option<string?>("--branch") { Description = "branch to sync (default: the checkout's current branch, else main)" };
        var path = new Option<string?>("--path") { Description = "path in the repository to apply (default: ./examples/hello)" };
        var noView = new Option<bool>("--no-view") { Description = "do not show the live view of GitRepositories and Kustomizations (events are still printed)" };
        var logLevel = new Option<string>("--log-level") { Description = "level of the manager's log (logs/manager.log in --state-dir, and `fluxsharp logs`): debug, info or error", DefaultValueFactory = _ => "info" };
        var store = new Option<string>("--store") { Description = "where the control plane keeps objects: sqlite (state.db in --state-dir) or etcd (--etcd-endpoints)", DefaultValueFactory = _ => "sqlite" };
        var etcdEndpoints = new Option<string>("--etcd-endpoints") { Description = "etcd's client URLs for --store etcd, comma-separated", DefaultValueFactory = _ => "http://127.0.0.1:2379" };
        var etcdPrefix = new Option<string>("--etcd-prefix") { Description = "the key prefix in etcd for --store etcd (one control plane per prefix)", DefaultValueFactory = _ => "/registry" };
        var command = new Command("dev", "Run FluxSharp locally: a Kubernetes-API-compatible control plane and the Flux controllers, no cluster needed")
        {
            stateDir, port, tls, noSimulate, noControllers, noSync, url, branch, path, noView, logLevel, store, etcdEndpoints, etcdPrefix,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            new DevSettings(
                parse.GetValue(stateDir)!,
                parse.GetValue(port),
                parse.GetValue(tls),
                !parse.GetValue(noSimulate),
                !parse.GetValue(noControllers),
                !parse.GetValue(noSync),
                parse.GetValue(url),
                parse.GetValue(branch),
                parse.GetValue(path),
                !parse.GetValue(noView),
                ManagerCommand.LogLevelOf(parse.GetValue(logLevel))),
            EtcdOf(parse.GetValue(store), parse.GetValue(etcdEndpoints)!, parse.GetValue(etcdPrefix)!),
            cancellationToken));
        return command;
    }

    /// <summary>--store's value: null for sqlite (the default), etcd's options for etcd.</summary>
    private static EtcdStorageOptions? EtcdOf(string? store, string endpoints, string prefix) => store switch
    {
        "sqlite" => null,
        "etcd" => new EtcdStorageOptions { Endpoints = endpoints, Prefix = prefix },
        var other => throw new ArgumentException($"--store: \"{other}\" is not one of sqlite, etcd"),
    };

    private static async Task<int> RunAsync(DevSettings settings, EtcdStorageOptions? etcd, CancellationToken cancellationToken)
    {
        if (settings.Port is < 0 or > 65535)
        {
            await Console.Error.WriteLineAsync($"--port: {settings.Port} is not a port number (0-65535)");
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
        // The console shows events and the live view; the logs (Flux's JSON lines) go to a file in the state dir and
        // to the manager Pod's log (`fluxsharp logs`, `kubectl logs`).
        var started = DateTimeOffset.UtcNow;
        RollingLogFile logFile;
        try
        {
            logFile = new RollingLogFile(Path.Combine(settings.StateDir, "logs", "manager.log"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"cannot write the log file under {settings.StateDir}: {e.Message}");
            return 1;
        }

        using var logFileOwner = logFile;
        var managerPod = new DevManagerPod();
        using var logs = LoggerFactory.Create(b => b
            .AddProvider(new FluxJsonLoggerProvider(line =>
            {
                managerPod.WriteLog(line);
                logFile.Write(line);
            }))
            // ASP.NET Core's own information lines (one per request) would drown the controllers' lines.
            .AddFilter("Microsoft", LogLevel.Warning)
            .SetMinimumLevel(settings.LogLevel));

        var options = new LocalControlPlaneOptions { Port = settings.Port, StateDir = settings.StateDir, Tls = settings.Tls, SimulateWorkloads = settings.Simulate };
        options.Etcd = etcd;
        managerPod.Register(options);
        LocalControlPlane plane;
        try
        {
            plane = await LocalControlPlane.StartAsync(options, logs, stop.Token);
        }
        catch (IOException e)
        {
            await Console.Error.WriteLineAsync($"cannot start the local control plane: {e.Message}");
            return 1;
        }

        await using (plane)
        {
            var kubeconfig = Path.Combine(settings.StateDir, "kubeconfig");
            await plane.WriteKubeconfigAsync(kubeconfig, stop.Token);
            using var kube = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
            await DevSync.InstallCrdsAsync(kube, stop.Token);
            Console.WriteLine($"API server:  {plane.BaseUrl}");
            Console.WriteLine($"kubeconfig:  {Path.GetFullPath(kubeconfig)}");
            Console.WriteLine($"logs:        {logFile.Path} (and `fluxsharp logs`)");
            if (etcd is not null)
            {
                Console.WriteLine($"store:       etcd {etcd.Endpoints} (prefix {etcd.Prefix})");
            }

            FluxManager? manager = null;
            if (settings.Controllers)
            {
                manager = await FluxManager.StartAsync(
                    new ManagerOptions
                    {
                        Kubeconfig = kubeconfig,
                        StoragePath = Path.Combine(settings.StateDir, "artifacts"),
                        StorageAddress = DevAddresses.Reuse(settings.StateDir, DevAddresses.ArtifactFile, "artifacts"),
                        MetricsAddress = DevAddresses.Reuse(settings.StateDir, DevAddresses.MetricsFile, "metrics"),
                        // The sample syncs this checkout over file://; dev runs as the user whose files these are.
                        AllowFileUrls = true,
                        EventsAddress = DevAddresses.Reuse(settings.StateDir, DevAddresses.EventsFile, "events"),
                        ReceiverAddress = DevAddresses.Reuse(settings.StateDir, DevAddresses.ReceiverFile, "receiver"),
                    },
                    AllControllers(),
                    logs,
                    kube,
                    stop.Token);
                DevAddresses.Remember(settings.StateDir, DevAddresses.ArtifactFile, manager.ArtifactBaseUrl);
                DevAddresses.Remember(settings.StateDir, DevAddresses.MetricsFile, manager.MetricsUrl);
                if (manager.EventsUrl is { } eventsUrl)
                {
                    DevAddresses.Remember(settings.StateDir, DevAddresses.EventsFile, eventsUrl);
                }
                await DevManagerPod.CreateAsync(kube, stop.Token);
                Console.WriteLine($"artifacts:   {manager.ArtifactBaseUrl}");
                Console.WriteLine($"metrics:     {manager.MetricsUrl}metrics");
                Console.WriteLine($"events:      {manager.EventsUrl}");
                if (manager.ReceiverUrl is { } receiverUrl)
                {
                    DevAddresses.Remember(settings.StateDir, DevAddresses.ReceiverFile, receiverUrl);
                    Console.WriteLine($"receiver:    {receiverUrl} (a Receiver's webhook is this URL + its status.webhookPath)");
                }
            }

            if (settings.Sync)
            {
                await SyncAsync(kube, settings, stop.Token);
            }

            Console.WriteLine($"try:         kubectl --kubeconfig {kubeconfig} get gitrepositories,kustomizations -A");
            Console.WriteLine("Ctrl-C stops (state is kept).");
            // Second precision, as events' timestamps: nothing recorded since dev started is missed.
            var view = DevLiveView.RunAsync(kube, settings.View, started.AddTicks(-(started.Ticks % TimeSpan.TicksPerSecond)), stop.Token);
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException)
            {
                Console.WriteLine("stopping...");
            }

            await view;

            if (manager is not null)
            {
                await manager.DisposeAsync();
            }
        }

        return 0;
    }

    private static IReadOnlyList<IControllerModule> AllControllers() => ManagerCommand.AllControllers();

    private static async Task SyncAsync(IKubernetes kube, DevSettings settings, CancellationToken cancellationToken)
    {
        var here = settings.Url is null ? await DevSync.ThisRepositoryAsync(cancellationToken) : null;
        var url = settings.Url ?? here?.Url;
        if (url is null)
        {
            Console.WriteLine("sync:        skipped (not inside a git checkout; pass --url to sync a repository)");
            return;
        }

        var branch = settings.Branch ?? here?.Branch ?? "main";
        var commit = settings.Branch is null ? here?.Commit : null;
        var path = settings.Path ?? "./examples/hello";
        try
        {
            await DevSync.ApplySourceAsync(kube, url, branch, commit, cancellationToken);
            await DevSync.ApplyKustomizationAsync(kube, path, cancellationToken);
        }
        catch (Exception e) when (FluxSharp.Kubernetes.Client.KubeApiException.From(e) is { } api)
        {
            // A bad --url must not take the local cluster down: say what was refused and keep serving.
            Console.WriteLine($"sync:        could not create the GitRepository/Kustomization for {url}: {api.Message}");
            return;
        }

        Console.WriteLine($"sync:        GitRepository {DevSync.Namespace}/{DevSync.Name} <- {url} ({(commit is null ? branch : "commit " + commit)})");
        Console.WriteLine($"             Kustomization {DevSync.Namespace}/{DevSync.Name} applies {path}");
    }

    private sealed record DevSettings(string StateDir, int Port, bool Tls, bool Simulate, bool Controllers, bool Sync, string? Url, string? Branch, string? Path, bool View, LogLevel LogLevel);
}
