using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Api;
using FluxSharp.LocalCluster.Controllers;
using FluxSharp.LocalCluster.Http;
using FluxSharp.LocalCluster.Resources;
using FluxSharp.LocalCluster.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FluxSharp.LocalCluster;

/// <summary>
/// The local control plane: a Kubernetes-API-compatible server on 127.0.0.1 with in-process controllers
/// (CRDs, garbage collection, namespaces, workload simulation). Start it, point any Kubernetes client at
/// <see cref="Kubeconfig"/>, dispose it to stop. With a state dir, every write is committed
/// to its SQLite datastore before it is acknowledged (see <see cref="SqliteStorageBackend"/>); with
/// <see cref="LocalControlPlaneOptions.Etcd"/>, to etcd (see <see cref="EtcdStorageBackend"/>).
/// </summary>
public sealed partial class LocalControlPlane : IAsyncDisposable
{
    private static readonly string[] InitialNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

    private readonly WebApplication _app;
    private readonly WatchStreamer _watches;
    private readonly List<EventLoop> _loops;
    private readonly StateDirectory? _stateDir;
    private readonly X509Certificate2? _certificate;
    private int _disposed;

    private LocalControlPlane(WebApplication app, WatchStreamer watches, ResourceService service, List<EventLoop> loops, StateDirectory? stateDir, WorkloadSimulator simulator, X509Certificate2? certificate, Uri baseUrl, string adminToken)
    {
        AdminToken = adminToken;
        _app = app;
        _watches = watches;
        Service = service;
        _loops = loops;
        _stateDir = stateDir;
        Simulator = simulator;
        _certificate = certificate;
        BaseUrl = baseUrl;
    }

    /// <summary>
    /// The cluster admin's bearer token (also in <see cref="Kubeconfig"/>): every request but health checks and
    /// /version needs it. Kept in the state dir (0600) across restarts; random per start without one.
    /// </summary>
    public string AdminToken { get; }

    /// <summary>Where the API is served, e.g. http://127.0.0.1:38211.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The workload simulator: mark workloads failing from tests.</summary>
    public WorkloadSimulator Simulator { get; }

    /// <summary>Watch streams being served right now; one ends when its timeout passes or its client goes away.</summary>
    public int OpenWatches => _watches.Open;

    /// <summary>PEM of the serving certificate when TLS is on.</summary>
    public string? CertificatePem => _certificate?.ExportCertificatePem();

    /// <summary>A kubeconfig (YAML) with one cluster, context and user for this server, namespace "default".</summary>
    public string Kubeconfig => BuildKubeconfig();

    internal ResourceService Service { get; }

    public static async Task<LocalControlPlane> StartAsync(LocalControlPlaneOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        loggerFactory ??= NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger("FluxSharp.LocalCluster");
        var time = TimeProvider.System;
        StateDirectory? stateDir = null;
        ObjectStore? store = null;
        var loops = new List<EventLoop>();
        try
        {
            if (options.Etcd is { } etcd)
            {
                stateDir = options.StateDir is { } etcdStateDir ? StateDirectory.Open(etcdStateDir) : null;
                store = OpenEtcd(etcd, options);
            }
            else if (options.StateDir is { } dir)
            {
                stateDir = StateDirectory.Open(dir);
                (store, var migrated) = await OpenDatastoreAsync(stateDir, options, cancellationToken);
                if (migrated > 0)
                {
                    LogMigrated(logger, migrated, stateDir.LegacyObjectsPath, stateDir.DatabasePath);
                }
            }
            else
            {
                store = new ObjectStore(options.WatchHistorySize);
            }

            var registry = new ResourceRegistry();
            var service = new ResourceService(store, registry, time);
            service.Hooks.Add(new BuiltinAdmission());

            var crds = new CrdController(service);
            crds.SyncAll();
            crds.Attach();

            var simulator = new WorkloadSimulator();
            loops.Add(new GarbageCollector(service, logger));
            loops.Add(new NamespaceController(service, logger));
            if (options.SimulateWorkloads)
            {
                loops.Add(new WorkloadSimulatorLoop(service, simulator, logger));
            }

            foreach (var loop in loops)
            {
                loop.Start();
                loop.Resync();
            }

            EnsureNamespaces(service);

            var adminToken = stateDir is null ? AdminTokenFile.Generate() : AdminTokenFile.LoadOrCreate(stateDir.FullPath);
            var certificate = !options.Tls ? null : stateDir is null ? ServingCertificate.Create(time) : ServingCertificate.LoadOrCreate(stateDir.FullPath, time);
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton(loggerFactory);
            builder.WebHost.UseKestrel(k =>
            {
                k.Limits.MaxRequestBodySize = null;
                k.Listen(IPAddress.Loopback, options.Port, listen =>
                {
                    if (certificate is not null)
                    {
                        listen.UseHttps(certificate);
                    }
                });
            });
            var app = builder.Build();
            var watches = new WatchStreamer(store, time) { BookmarkInterval = options.BookmarkInterval };
            var handler = new ApiHandler(service, watches, time, logger, new BearerAuthenticator(adminToken)) { PodLogs = new PodLogServer(options.PodLogs, app.Lifetime.ApplicationStopping) };
            app.Run(handler.HandleAsync);
            await app.StartAsync(cancellationToken);

            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var port = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)).Port;
            var baseUrl = new Uri($"{(certificate is null ? "http" : "https")}://127.0.0.1:{port}");
            return new LocalControlPlane(app, watches, service, loops, stateDir, simulator, certificate, baseUrl, adminToken);
        }
        catch
        {
            foreach (var loop in loops)
            {
                await loop.DisposeAsync();
            }

            store?.Dispose();
            stateDir?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes the kubeconfig to a file (mode 0600 from its creation: it holds the admin token), creating its directory.
    /// Written beside and renamed into place, so that a reader never sees half of it.
    /// </summary>
    public async Task WriteKubeconfigAsync(string path, CancellationToken cancellationToken = default)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        await PrivateFile.WriteAtomicallyAsync(full, Kubeconfig, cancellationToken);
    }

    /// <summary>
    /// A raw HTTP client for this server (BaseAddress set), sending the admin token and trusting only this server's
    /// certificate; pass a handler to tune connections. For tests and tools that speak HTTP without a Kubernetes client.
    /// </summary>
    public HttpClient CreateHttpClient(SocketsHttpHandler? handler = null)
    {
        handler ??= new SocketsHttpHandler();
        if (_certificate is { } trusted)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString() == trusted.GetCertHashString();
        }

        var http = new HttpClient(handler) { BaseAddress = BaseUrl };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminToken);
        return http;
    }

    /// <summary>Waits until the in-process controllers have handled every change so far (GC, namespaces, simulator).</summary>
    public async Task WaitForControllersIdleAsync(CancellationToken cancellationToken = default)
    {
        while (!_loops.TrueForAll(l => l.Idle))
        {
            await Task.Delay(5, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _app.StopAsync(CancellationToken.None);
        foreach (var loop in _loops)
        {
            await loop.DisposeAsync();
        }

        await _app.DisposeAsync();
        Service.Store.Dispose();
        _stateDir?.Dispose();
        _certificate?.Dispose();
    }

    /// <summary>
    /// The SQLite datastore of a state dir, loaded into a store, with an older objects.json migrated into it.
    /// Unreadable files give a <see cref="StateDirException"/> naming them.
    /// </summary>
    private static async Task<(ObjectStore Store, int Migrated)> OpenDatastoreAsync(StateDirectory dir, LocalControlPlaneOptions options, CancellationToken cancellationToken)
    {
        var backend = SqliteStorageBackend.Open(dir.DatabasePath, new SqliteStorageOptions
        {
            Synchronous = options.Synchronous,
            KeepRevisions = options.KeepRevisions ?? options.WatchHistorySize,
        });
        ObjectStore store;
        try
        {
            store = new ObjectStore(backend, options.WatchHistorySize);
        }
        catch (System.Text.Json.JsonException e)
        {
            backend.Dispose();
            throw new StateDirException($"{dir.DatabasePath}: an object in the database is not valid JSON ({e.Message.TrimEnd('.')}); move it away to start with an empty state", e);
        }
        catch
        {
            backend.Dispose();
            throw;
        }

        try
        {
            return (store, await StateFile.MigrateAsync(dir, store, backend.Imported, cancellationToken));
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>The etcd datastore, loaded into a store; etcd unreachable gives a <see cref="StorageUnavailableException"/> naming it.</summary>
    private static ObjectStore OpenEtcd(EtcdStorageOptions etcd, LocalControlPlaneOptions options)
    {
        var backend = EtcdStorageBackend.Open(etcd with { KeepRevisions = options.KeepRevisions ?? options.WatchHistorySize });
        try
        {
            return new ObjectStore(backend, options.WatchHistorySize);
        }
        catch (System.Text.Json.JsonException e)
        {
            backend.Dispose();
            throw new StorageUnavailableException($"etcd at {backend.Endpoint}: an object under {backend.Prefix}/ is not valid JSON ({e.Message.TrimEnd('.')}); is another program using the prefix? pass another --etcd-prefix", e);
        }
        catch
        {
            backend.Dispose();
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "migrated {Count} objects from {From} into {To}")]
    private static partial void LogMigrated(ILogger logger, int count, string from, string to);

    private static void EnsureNamespaces(ResourceService service)
    {
        var ns = service.Registry.Find(string.Empty, "v1", "namespaces")!;
        foreach (var name in InitialNamespaces)
        {
            if (service.TryGet(ns, null, name) is null)
            {
                service.Create(ns, null, new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = name } }, RequestContext.Internal("kube-apiserver"));
            }
        }
    }

    private string BuildKubeconfig()
    {
        var sb = new StringBuilder();
        sb.Append("apiVersion: v1\nkind: Config\nclusters:\n- name: fluxsharp\n  cluster:\n    server: ").Append(BaseUrl.ToString().TrimEnd('/')).Append('\n');
        if (_certificate is not null)
        {
            sb.Append("    certificate-authority-data: ").Append(Convert.ToBase64String(Encoding.ASCII.GetBytes(_certificate.ExportCertificatePem()))).Append('\n');
        }

        sb.Append("contexts:\n- name: fluxsharp\n  context:\n    cluster: fluxsharp\n    user: admin\n    namespace: default\n");
        sb.Append("current-context: fluxsharp\nusers:\n- name: admin\n  user:\n    token: \"").Append(AdminToken).Append("\"\n");
        return sb.ToString();
    }
}
