using System.CommandLine;
using System.Runtime.InteropServices;
using FluxSharp.Controllers;
using FluxSharp.Api;
using FluxSharp.Controllers.Kustomize;
using FluxSharp.Controllers.Notification;
using FluxSharp.Controllers.Notification.Receivers;
using FluxSharp.Controllers.Source;
using FluxSharp.Manager;
using Microsoft.Extensions.Logging;

namespace FluxSharp.Cli.Commands;

/// <summary>
/// `fluxsharp manager`: the controller process for a real cluster (what runs in the flux-system Deployment).
/// Every flag can also be set as FLUXSHARP_&lt;FLAG&gt; in the environment (e.g. FLUXSHARP_WATCH_NAMESPACE); flags win.
/// </summary>
internal static class ManagerCommand
{
    public static Command Create()
    {
        var kubeconfig = Flag<string?>("--kubeconfig", "kubeconfig path (default: in-cluster config, else ~/.kube/config)");
        var watchNamespace = Flag<string?>("--watch-namespace", "reconcile only objects in this namespace (default: all)");
        var controllers = Flag<string?>("--controllers", "comma-separated controllers to run: all, source, kustomize, notification", "all");
        var concurrent = Flag<int>("--concurrent", "objects reconciled at once per kind", 4);
        var storagePath = Flag<string?>("--storage-path", "where artifacts are stored", "/data");
        var storageAddr = Flag<string?>("--storage-addr", "artifact server address (host:port)", ":9090");
        var storageAdvAddr = Flag<string?>("--storage-adv-addr", "host:port written into artifact URLs (default: the storage address)");
        var metricsAddr = Flag<string?>("--metrics-addr", "address of /metrics, /healthz and /readyz", ":8080");
        var allowFileUrls = Flag<bool>("--allow-file-urls", "let GitRepositories fetch file:// URLs, i.e. read local paths the manager's user can read (off by default; on in `fluxsharp dev`)");
        var eventsAddr = Flag<string?>("--events-addr", "address of the events endpoint (Flux's event JSON, POST /)", ":9690");
        var rateLimit = Flag<string?>("--rate-limit-interval", "identical events within this interval are sent once", "5m");
        var receiverAddr = Flag<string?>("--receiver-addr", "address of the webhook receiver server (Receivers' /hook/ paths)", ":9292");
        var leaderElect = Flag<bool>("--enable-leader-election", "run controllers only while holding the leader Lease");
        var leaderNamespace = Flag<string?>("--leader-election-namespace", "namespace of the leader Lease", "flux-system");
        var logLevel = Flag<string?>("--log-level", "debug, info or error", "info");
        var logEncoding = Flag<string?>("--log-encoding", "json or console", "json");
        var command = new Command("manager", "Run the FluxSharp controllers against a cluster (the in-cluster process)")
        {
            kubeconfig, watchNamespace, controllers, concurrent, storagePath, storageAddr, storageAdvAddr, metricsAddr, allowFileUrls, eventsAddr, rateLimit, receiverAddr, leaderElect, leaderNamespace, logLevel, logEncoding,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var level = LogLevelOf(Value(parse, logLevel));
            var options = new ManagerOptions
            {
                Kubeconfig = Value(parse, kubeconfig),
                WatchNamespace = Value(parse, watchNamespace),
                Controllers = (Value(parse, controllers) ?? "all").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Concurrency = Value(parse, concurrent),
                StoragePath = Value(parse, storagePath)!,
                StorageAddress = Value(parse, storageAddr)!,
                StorageAdvertisedAddress = Value(parse, storageAdvAddr),
                MetricsAddress = Value(parse, metricsAddr)!,
                AllowFileUrls = Value(parse, allowFileUrls),
                EventsAddress = Value(parse, eventsAddr) is { Length: > 0 } events ? events : null,
                ReceiverAddress = Value(parse, receiverAddr),
                LeaderElection = Value(parse, leaderElect),
                LeaderElectionNamespace = Value(parse, leaderNamespace)!,
                LogLevel = Value(parse, logLevel)!,
                JsonLogs = Value(parse, logEncoding) == "json",
            };
            var interval = Value(parse, rateLimit);
            if (!GoDuration.TryParse(interval, out var rateLimitInterval))
            {
                throw new ArgumentException($"--rate-limit-interval: \"{interval}\" is not a duration such as 5m");
            }

            return await RunAsync(options, level, rateLimitInterval, cancellationToken);
        });
        return command;
    }

    /// <summary>--log-level's value (Flux's level names) as a .NET log level.</summary>
    public static LogLevel LogLevelOf(string? value) => value switch
    {
        "debug" => LogLevel.Debug,
        "info" => LogLevel.Information,
        "error" => LogLevel.Error,
        var other => throw new ArgumentException($"--log-level: \"{other}\" is not one of debug, info, error"),
    };

    /// <summary>The controllers this build of FluxSharp has.</summary>
    public static IReadOnlyList<IControllerModule> AllControllers(TimeSpan? eventRateLimit = null) =>
    [
        new SourceControllerModule(),
        new KustomizeControllerModule(),
        new NotificationControllerModule(new NotificationOptions { RateLimitInterval = eventRateLimit ?? TimeSpan.FromMinutes(5) }),
        new ReceiverControllerModule(),
    ];

    private static Option<T> Flag<T>(string name, string description, T? defaultValue = default)
    {
        var option = new Option<T>(name) { Description = description + $" (env {EnvName(name)})" };
        if (defaultValue is not null)
        {
            option.DefaultValueFactory = _ => defaultValue;
        }

        return option;
    }

    private static string EnvName(string flag) => "FLUXSHARP_" + flag.TrimStart('-').Replace('-', '_').ToUpperInvariant();

    /// <summary>The flag when given on the command line, else FLUXSHARP_* from the environment, else the default.</summary>
    private static T? Value<T>(ParseResult parse, Option<T> option)
    {
        if (parse.GetResult(option) is { Implicit: false })
        {
            return parse.GetValue(option);
        }

        var env = Environment.GetEnvironmentVariable(EnvName(option.Name));
        if (env is null)
        {
            return parse.GetValue(option);
        }

        var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        try
        {
            return (T)Convert.ChangeType(env, target, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (FormatException)
        {
            throw new ArgumentException($"{EnvName(option.Name)}: \"{env}\" is not a valid {target.Name}");
        }
    }

    private static async Task<int> RunAsync(ManagerOptions options, LogLevel level, TimeSpan eventRateLimit, CancellationToken cancellationToken)
    {
        using var logs = LoggerFactory.Create(b =>
        {
            if (options.JsonLogs)
            {
                // Flux's JSON lines (level, ts, msg, controllerKind, name, namespace): what `fluxsharp logs` reads.
                b.AddProvider(new FluxJsonLoggerProvider(Console.Out.WriteLine));
            }
            else
            {
                b.AddSimpleConsole(o => o.SingleLine = true);
            }

            b.SetMinimumLevel(level);
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
        {
            ctx.Cancel = true;
            stop.Cancel();
        });
        FluxManager manager;
        try
        {
            manager = await FluxManager.StartAsync(options, AllControllers(eventRateLimit), logs, cancellationToken: stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // SIGTERM or Ctrl-C while starting (e.g. waiting for the API server): a clean stop, not a crash.
            return 0;
        }

        await using (manager)
        {
            Console.WriteLine($"artifacts:   {manager.ArtifactBaseUrl}");
            Console.WriteLine($"metrics:     {manager.MetricsUrl}metrics");
            if (manager.ReceiverUrl is { } receiverUrl)
            {
                Console.WriteLine($"receiver:    {receiverUrl}");
            }
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }

        return 0;
    }
}
