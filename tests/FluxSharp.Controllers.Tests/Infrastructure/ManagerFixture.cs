using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FluxSharp.Api;
using FluxSharp.Kubernetes.Client;
using FluxSharp.Manager;
using FluxSharp.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace FluxSharp.Controllers.Tests.Infrastructure;

/// <summary>
/// What the controller fixtures share: one local control plane per test class with FluxSharp's CRDs, a
/// <see cref="FluxManager"/> running the given controllers (artifacts under the fixture's directory, servers on
/// 127.0.0.1:0), its /metrics, requestedAt patches and git repositories to push to.
/// </summary>
public abstract partial class ManagerFixture : ClusterFixture
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(45);
    private FluxManager? _manager;

    public FluxManager Manager => _manager ?? throw new InvalidOperationException("the manager is not started");

    public string StoragePath => Path.Combine(Directory, "storage");

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The manager's --allow-file-urls: on, since the tests' repositories are local (file://).</summary>
    protected virtual bool AllowFileUrls => true;

    /// <summary>The receiver server's address (--receiver-addr); null: none.</summary>
    protected virtual string? ReceiverAddress => null;

    /// <summary>The controllers to run, by their --controllers names, and their modules.</summary>
    protected abstract (string[] Names, IControllerModule[] Modules) Controllers();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await CrdInstaller.ApplyAsync(Client, FluxApi.Crds(), "fluxsharp-tests");
        await StartManagerAsync("127.0.0.1:0", null);
    }

    /// <summary>
    /// Stops the manager and starts a new one on the same storage, as a restarted process would: the artifact server
    /// on <paramref name="storageAddress"/> (host:port), artifact URLs naming <paramref name="storageAdvertisedAddress"/> when given.
    /// </summary>
    public async Task RestartManagerAsync(string storageAddress, string? storageAdvertisedAddress = null)
    {
        await Manager.DisposeAsync();
        _manager = null;
        await StartManagerAsync(storageAddress, storageAdvertisedAddress);
    }

    public override async Task DisposeAsync()
    {
        if (_manager is not null)
        {
            await _manager.DisposeAsync();
        }

        Http.Dispose();
        await base.DisposeAsync();
    }

    private async Task StartManagerAsync(string storageAddress, string? storageAdvertisedAddress)
    {
        var (names, modules) = Controllers();
        var options = new ManagerOptions
        {
            Controllers = names,
            StoragePath = StoragePath,
            StorageAddress = storageAddress,
            StorageAdvertisedAddress = storageAdvertisedAddress,
            MetricsAddress = "127.0.0.1:0",
            EventsAddress = "127.0.0.1:0",
            ReceiverAddress = ReceiverAddress,
            Kubeconfig = KubeconfigPath,
            AllowFileUrls = AllowFileUrls,
        };
        _manager = await FluxManager.StartAsync(options, modules, NullLoggerFactory.Instance, Client);
        await Eventually.WaitAsync(async () => (await Http.GetAsync(new Uri(Manager.MetricsUrl, "/readyz"))).StatusCode, s => s == System.Net.HttpStatusCode.OK, StartTimeout, "/readyz");
    }

    public async Task<string> MetricsAsync() => await Http.GetStringAsync(new Uri(Manager.MetricsUrl, "/metrics"));

    /// <summary>How many reconciles of the object the runtime has finished (gotk_reconcile_duration_seconds_count).</summary>
    public async Task<long> ReconcileCountAsync(string kind, string ns, string name)
    {
        foreach (var line in (await MetricsAsync()).Split('\n'))
        {
            if (!line.StartsWith("gotk_reconcile_duration_seconds_count{", StringComparison.Ordinal))
            {
                continue;
            }

            var labels = LabelPattern().Matches(line).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
            if (labels.GetValueOrDefault("kind") == kind && labels.GetValueOrDefault("name") == name && labels.GetValueOrDefault("namespace") == ns)
            {
                return long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    /// <summary>Sets reconcile.fluxcd.io/requestedAt to a fresh value and returns it.</summary>
    public static async Task<string> RequestReconcileAsync(ResourceClient client, string ns, string name)
    {
        ArgumentNullException.ThrowIfNull(client);
        var at = DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6];
        var patch = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [FluxAnnotations.ReconcileRequestedAt] = at } } };
        await client.MergePatchAsync(ns, name, patch, status: false, "fluxsharp-tests", CancellationToken.None);
        return at;
    }

    /// <summary>A bare repository (default branch main) with a work tree, under the fixture's directory.</summary>
    public Task<FluxSharp.Testing.Git.GitRepositoryBuilder> NewGitAsync(string? name = null) =>
        FluxSharp.Testing.Git.GitRepositoryBuilder.CreateAsync(Path.Combine(Directory, "git"), name ?? "r-" + Guid.NewGuid().ToString("N")[..8], "main");

    [GeneratedRegex("(\\w+)=\"([^\"]*)\"", RegexOptions.CultureInvariant)]
    private static partial Regex LabelPattern();
}
