using System.Diagnostics;
using FluxSharp.Api;
using FluxSharp.Api.Kustomize.V1;
using FluxSharp.Build;
using FluxSharp.Build.Substitution;
using FluxSharp.Kubernetes.Apply;
using FluxSharp.Kubernetes.Client;
using FluxSharp.Kubernetes.Health;
using FluxSharp.Kubernetes.Runtime;
using FluxSharp.Kubernetes.Status;
using k8s;
using Microsoft.Extensions.Logging;

namespace FluxSharp.Controllers.Kustomize;

/// <summary>Tunables of the Kustomization controller.</summary>
public sealed record KustomizationOptions
{
    /// <summary>How soon a Kustomization waiting for its dependencies looks again (Flux's --requeue-dependency).</summary>
    public TimeSpan RequeueDependency { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often health checks poll.</summary>
    public TimeSpan HealthPollInterval { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// Kustomization: wait for dependencies and the source, fetch the artifact, build it with kustomize and
/// substitute variables, apply it with server-side apply in stages (putting back any drift), prune what left
/// the source, wait for health, and report. A failed build or apply prunes nothing and keeps the last applied revision.
/// </summary>
public sealed partial class KustomizationReconciler : IReconciler<Kustomization>
{
    private readonly IKubernetes _kube;
    private readonly ClusterClients _clients;
    private readonly HttpClient _http;
    private readonly EventRecorder _events;
    private readonly ObjectPatcher _patcher;
    private readonly KustomizationOptions _options;
    private readonly ILogger _logger;
    private readonly BuildCache _builds = new(capacity: 2048);

    public KustomizationReconciler(IKubernetes kube, KubernetesClientConfiguration? config, HttpClient http, EventRecorder events, KustomizationOptions options, ILogger logger)
    {
        _kube = kube;
        _clients = new ClusterClients(kube, config);
        _http = http;
        _events = events;
        _options = options;
        _logger = logger;
        _patcher = new ObjectPatcher(kube, FluxResources.Kustomizations, FluxNames.KustomizeController);
    }

    public async Task<ReconcileResult> ReconcileAsync(Kustomization ks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ks);
        var started = Stopwatch.StartNew();
        if (ks.Metadata.DeletionTimestamp is not null)
        {
            await FinalizeAsync(ks, cancellationToken);
            return ReconcileResult.Done;
        }

        if (ks.Metadata.Finalizers?.Contains(FluxNames.Finalizer) != true)
        {
            await _patcher.AddFinalizerAsync(ks, FluxNames.Finalizer, cancellationToken);
        }

        ControllerMetrics.Suspended.WithLabels(Kustomization.KindName, ks.Metadata.Name, ks.Metadata.NamespaceProperty).Set(ks.Spec.Suspend == true ? 1 : 0);
        if (ks.Spec.Suspend == true)
        {
            return ReconcileResult.Done;
        }

        var report = new KustomizationReport(ks);
        if (!GoDuration.TryParse(ks.Spec.Interval, out var interval) || interval <= TimeSpan.Zero)
        {
            return await StallAsync(ks, report, ConditionReasons.Failed, $"spec.interval: \"{ks.Spec.Interval}\" is not a positive duration (e.g. 1m, 5m30s)", cancellationToken);
        }

        var retry = GoDuration.TryParse(ks.Spec.RetryInterval, out var r) && r > TimeSpan.Zero ? r : interval;
        var timeout = GoDuration.TryParse(ks.Spec.Timeout, out var t) && t > TimeSpan.Zero ? t : interval;
        if (ks.Spec.Decryption is not null)
        {
            return await StallAsync(ks, report, "UnsupportedField", "spec.decryption (SOPS) is not supported by FluxSharp yet; remove it or keep encrypted secrets out of this path", cancellationToken);
        }

        // 1. Dependencies and source.
        if (await new DependencyChecker(_kube).FirstNotReadyAsync(ks, cancellationToken) is { } notReady)
        {
            report.Failed(ConditionReasons.DependencyNotReady, $"Dependencies do not meet ready condition, retrying in {GoDuration.Format(_options.RequeueDependency)}: {notReady}", revision: null);
            await FinishAsync(ks, report, cancellationToken);
            return ReconcileResult.After(_options.RequeueDependency);
        }

        SourceArtifact source;
        try
        {
            source = await new SourceResolver(_kube).ResolveAsync(ks, cancellationToken);
        }
        catch (SourceNotReadyException e)
        {
            report.Failed(e.Reason, e.Message, revision: null);
            await FinishAsync(ks, report, cancellationToken);
            return ReconcileResult.After(retry);
        }

        // 2. Fetch, build, apply, prune, health.
        var workDir = Path.Combine(Path.GetTempPath(), "fluxsharp-kustomize", Guid.NewGuid().ToString("N"));
        try
        {
            var (client, owned) = await _clients.ForAsync(ks, cancellationToken);
            try
            {
                var objects = await FetchAndBuildAsync(ks, source, workDir, cancellationToken);
                var changes = await ApplyAndPruneAsync(ks, client, objects, cancellationToken);
                report.Applied(source.Revision, Inventory.FromObjects(objects));
                if (changes.HasChanges)
                {
                    await _events.NormalAsync(ks, ConditionReasons.Progressing, changes.ChangesSummary(), RevisionMetadata(source), cancellationToken);
                }

                await CheckHealthAsync(ks, client, objects, timeout, report, cancellationToken);
            }
            finally
            {
                if (owned)
                {
                    client.Dispose();
                }
            }
        }
        catch (BuildException e)
        {
            report.Failed(e.Reason, e.Message, source.Revision);
        }
        catch (ApplyException e)
        {
            report.Failed(ConditionReasons.ReconciliationFailed, e.Message, source.Revision);
        }
        catch (PruneException e)
        {
            report.Failed(ConditionReasons.PruneFailed, e.Message, source.Revision);
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or KubeApiException or CelExpressionException)
        {
            report.Failed(ConditionReasons.ReconciliationFailed, e.Message, source.Revision);
        }
        finally
        {
            TryDelete(workDir);
        }

        await FinishAsync(ks, report, cancellationToken);
        if (!report.IsReady)
        {
            await _events.WarningAsync(ks, report.Reason, report.Message, RevisionMetadata(source), cancellationToken);
            return ReconcileResult.After(retry);
        }

        await _events.NormalAsync(ks, ConditionReasons.ReconciliationSucceeded, $"Reconciliation finished in {GoDuration.Format(started.Elapsed)}, next run in {GoDuration.Format(interval)}", RevisionMetadata(source), cancellationToken);
        return ReconcileResult.After(interval);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Kustomization {Namespace}/{Name}: {Changes}")]
    private static partial void LogChanges(ILogger logger, string @namespace, string name, string changes);

    private static Dictionary<string, string> RevisionMetadata(SourceArtifact source) =>
        new() { ["kustomize.toolkit.fluxcd.io/revision"] = source.Revision };

    private static void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        catch (IOException)
        {
            // A leftover temp dir is harmless.
        }
    }

    private async Task<IReadOnlyList<System.Text.Json.Nodes.JsonObject>> FetchAndBuildAsync(Kustomization ks, SourceArtifact source, string workDir, CancellationToken cancellationToken)
    {
        Dictionary<string, string>? variables = null;
        if (ks.Spec.PostBuild is not null)
        {
            List<IReadOnlyDictionary<string, string>> from;
            try
            {
                from = await new SubstitutionSources(_kube).ReadAsync(ks, cancellationToken);
            }
            catch (InvalidOperationException e)
            {
                throw new BuildException(ConditionReasons.BuildFailed, e.Message, e);
            }

            variables = SubstitutionVariables.Merge(from, ks.Spec.PostBuild.Substitute?.AsReadOnly());
        }

        // The same artifact built with the same spec and variables gives the same objects: a steady-state
        // reconcile skips the download and the kustomize run and goes straight to the (dry-run) apply.
        var key = BuildCache.Key($"{ks.Metadata.NamespaceProperty}/{ks.Metadata.Name}", source.Digest, ks.Spec, variables);
        if (!_builds.TryGet(key, out var objects))
        {
            await new ArtifactFetcher(_http).FetchAsync(new Uri(source.Url), source.Digest, workDir, cancellationToken);
            var result = await KustomizeBuilder.BuildAsync(workDir, ks.Spec, variables, cancellationToken);
            objects = result.Objects.ToList();
            OwnerLabels.Set(objects, ks.Metadata.Name, ks.Metadata.NamespaceProperty);
            _builds.Set(key, objects);
        }

        return objects.Select(o => (System.Text.Json.Nodes.JsonObject)o.DeepClone()).ToList();
    }

    private async Task<ChangeSet> ApplyAndPruneAsync(Kustomization ks, IKubernetes client, IReadOnlyList<System.Text.Json.Nodes.JsonObject> objects, CancellationToken cancellationToken)
    {
        var applier = new ResourceApplier(client, _logger);
        var changes = await applier.ApplyAllStagedAsync(objects, KustomizeApplyOptions.Apply(force: ks.Spec.Force == true), cancellationToken);
        if (ks.Spec.Prune)
        {
            var stale = Inventory.Stale(ks.Status?.Inventory, Inventory.FromObjects(objects));
            if (stale.Count > 0)
            {
                try
                {
                    changes.Append((await applier.DeleteAllAsync(stale, KustomizeApplyOptions.Prune(ks.Metadata.Name, ks.Metadata.NamespaceProperty), cancellationToken)).Entries);
                }
                catch (ApplyException e)
                {
                    throw new PruneException(e.Message, e);
                }
            }
        }

        if (changes.HasChanges)
        {
            var summary = changes.ChangesSummary().Replace('\n', ',');
            LogChanges(_logger, ks.Metadata.NamespaceProperty, ks.Metadata.Name, summary);
        }

        return changes;
    }

    private async Task CheckHealthAsync(Kustomization ks, IKubernetes client, IReadOnlyList<System.Text.Json.Nodes.JsonObject> objects, TimeSpan timeout, KustomizationReport report, CancellationToken cancellationToken)
    {
        var entries = ks.Spec.Wait == true
            ? objects.Select(InventoryEntry.From).ToList()
            : (ks.Spec.HealthChecks ?? []).Select(h => Inventory.EntryOf(h, ks.Metadata.NamespaceProperty)).ToList();
        if (entries.Count == 0)
        {
            return;
        }

        var checker = new HealthChecker(client) { Custom = ks.Spec.HealthCheckExprs is { Count: > 0 } exprs ? new CelHealthEvaluator(exprs) : null };
        var watch = Stopwatch.StartNew();
        var result = await checker.WaitAsync(entries, timeout, _options.HealthPollInterval, cancellationToken);
        if (result.Healthy)
        {
            report.Healthy($"Health check passed in {GoDuration.Format(watch.Elapsed)}");
        }
        else
        {
            report.Unhealthy(result.Message);
        }
    }

    private async Task FinalizeAsync(Kustomization ks, CancellationToken cancellationToken)
    {
        // Flux's deletionPolicy: MirrorPrune (default) deletes what was applied when prune is on; Delete always; WaitForTermination waits; Orphan never.
        var policy = ks.Spec.DeletionPolicy ?? "MirrorPrune";
        var delete = policy is "Delete" or "WaitForTermination" || (policy == "MirrorPrune" && ks.Spec.Prune);
        if (delete && ks.Spec.Suspend != true && Inventory.Entries(ks.Status?.Inventory) is { Count: > 0 } entries)
        {
            var (client, owned) = await _clients.ForAsync(ks, cancellationToken);
            try
            {
                await new ResourceApplier(client, _logger).DeleteAllAsync(entries, KustomizeApplyOptions.Prune(ks.Metadata.Name, ks.Metadata.NamespaceProperty), cancellationToken);
            }
            finally
            {
                if (owned)
                {
                    client.Dispose();
                }
            }
        }

        await _patcher.RemoveFinalizerAsync(ks, FluxNames.Finalizer, cancellationToken);
    }

    private async Task<ReconcileResult> StallAsync(Kustomization ks, KustomizationReport report, string reason, string message, CancellationToken cancellationToken)
    {
        report.Stalled(reason, message);
        await FinishAsync(ks, report, cancellationToken);
        await _events.WarningAsync(ks, reason, message, cancellationToken: cancellationToken);
        return ReconcileResult.Done;
    }

    private async Task FinishAsync(Kustomization ks, KustomizationReport report, CancellationToken cancellationToken)
    {
        var after = report.Build();
        await _patcher.PatchStatusAsync(ks, ks.Status, after, cancellationToken);
        ControllerMetrics.RecordCondition(Kustomization.KindName, ks.Metadata.NamespaceProperty, ks.Metadata.Name, ConditionTypes.Ready, Conditions.Find(after.Conditions, ConditionTypes.Ready)?.Status ?? ConditionStatus.Unknown);
    }
}

/// <summary>Pruning failed after a successful apply.</summary>
public sealed class PruneException(string message, Exception inner) : Exception(message, inner);
