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
/// Deletion, finalizer, suspend, intervals and the status patch are <see cref="FluxReconciler{T, TStatus}"/>'s.
/// </summary>
public sealed partial class KustomizationReconciler : FluxReconciler<Kustomization, KustomizationStatus>
{
    private const string RevisionAnnotation = "kustomize.toolkit.fluxcd.io/revision";

    /// <summary>Ready is False while the last health check failed.</summary>
    private static readonly ConditionSummary ReadySummary = new([], [ConditionTypes.Healthy]);

    private readonly IKubernetes _kube;
    private readonly ClusterClients _clients;
    private readonly HttpClient _http;
    private readonly KustomizationOptions _options;
    private readonly ILogger _logger;
    private readonly BuildCache _builds = new(capacity: 2048);

    public KustomizationReconciler(IKubernetes kube, KubernetesClientConfiguration? config, HttpClient http, EventRecorder events, KustomizationOptions options, ILogger logger, TimeProvider? time = null)
        : base(kube, FluxResources.Kustomizations, FluxNames.KustomizeController, events, logger, time)
    {
        _kube = kube;
        _clients = new ClusterClients(kube, config);
        _http = http;
        _options = options;
        _logger = logger;
    }

    protected override ConditionSummary Summary => ReadySummary;

    protected override async Task ReconcileStepsAsync(ReconcileRun<Kustomization, KustomizationStatus> run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var ks = run.Object;
        if (ks.Spec.Decryption is not null)
        {
            throw new StallingException("UnsupportedField", "spec.decryption (SOPS) is not supported by FluxSharp yet; remove it or keep encrypted secrets out of this path");
        }

        // 1. Dependencies and source.
        var source = await WaitForSourceAsync(ks, cancellationToken);
        run.EventMetadata[RevisionAnnotation] = source.Revision;
        run.Status = run.Status with { LastAttemptedRevision = source.Revision };
        await run.ProgressingAsync($"Fetching manifests for revision {source.Revision} with a timeout of {GoDuration.Format(run.Intervals.Timeout ?? run.Intervals.Interval ?? TimeSpan.Zero)}", "Reconciliation in progress", cancellationToken);

        // 2. Fetch, build, apply, prune, health.
        var workDir = Path.Combine(Path.GetTempPath(), "fluxsharp-kustomize", Guid.NewGuid().ToString("N"));
        try
        {
            var (client, owned) = await _clients.ForAsync(ks, cancellationToken);
            try
            {
                var objects = await FetchAndBuildAsync(ks, source, workDir, cancellationToken);
                var changes = await ApplyAndPruneAsync(ks, client, objects, cancellationToken);
                run.Status = run.Status with { LastAppliedRevision = source.Revision, Inventory = Inventory.FromObjects(objects) };
                run.Report.Delete(ConditionTypes.Healthy);
                run.Succeeded(ConditionReasons.ReconciliationSucceeded, $"Applied revision: {source.Revision}");
                if (changes.HasChanges)
                {
                    await Events.NormalAsync(ks, ConditionReasons.Progressing, changes.ChangesSummary(), run.EventMetadata, cancellationToken);
                }

                await CheckHealthAsync(ks, client, objects, run.Intervals.Timeout ?? TimeSpan.FromMinutes(5), run.Report, cancellationToken);
            }
            finally
            {
                if (owned)
                {
                    client.Dispose();
                }
            }
        }
        finally
        {
            TryDelete(workDir);
        }

        // 3. Report: a failed health check makes the run a failure (Ready mirrors Healthy=False).
        if (!run.Report.IsFalse(ConditionTypes.Healthy))
        {
            run.Event(ConditionReasons.ReconciliationSucceeded, $"Reconciliation finished in {GoDuration.Format(run.Elapsed)}, next run in {GoDuration.Format(run.Intervals.Interval ?? TimeSpan.Zero)}");
        }
    }

    /// <summary>Failures of the build and apply steps, by Flux's reasons; anything else is unexpected (backoff).</summary>
    protected override string? FailureReason(Exception exception) => exception switch
    {
        BuildException e => e.Reason,
        PruneException => ConditionReasons.PruneFailed,
        ApplyException or InvalidOperationException or NotSupportedException or KubeApiException or CelExpressionException => ConditionReasons.ReconciliationFailed,
        _ => null,
    };

    /// <summary>Dependencies Ready and the source's artifact, or waiting for them (not an error).</summary>
    private async Task<SourceArtifact> WaitForSourceAsync(Kustomization ks, CancellationToken cancellationToken)
    {
        if (await new DependencyChecker(_kube).FirstNotReadyAsync(ks, cancellationToken) is { } notReady)
        {
            throw new WaitingException(ConditionReasons.DependencyNotReady, $"Dependencies do not meet ready condition, retrying in {GoDuration.Format(_options.RequeueDependency)}: {notReady}", _options.RequeueDependency);
        }

        try
        {
            return await new SourceResolver(_kube).ResolveAsync(ks, cancellationToken);
        }
        catch (SourceNotReadyException e)
        {
            throw new WaitingException(e.Reason, e.Message, requeueAfter: null, e);
        }
    }

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

        return changes;
    }

    private async Task CheckHealthAsync(Kustomization ks, IKubernetes client, IReadOnlyList<System.Text.Json.Nodes.JsonObject> objects, TimeSpan timeout, StatusReport report, CancellationToken cancellationToken)
    {
        var entries = ks.Spec.Wait == true
            ? objects.Select(InventoryEntry.From).ToList()
            : (ks.Spec.HealthChecks ?? []).Select(h => Inventory.EntryOf(h, ks.Metadata.NamespaceProperty)).ToList();
        if (entries.Count == 0)
        {
            return;
        }

        var checker = new HealthChecker(client) { Custom = ks.Spec.HealthCheckExprs is { Count: > 0 } exprs ? new CelHealthEvaluator(exprs) : null, Time = Time };
        var started = Time.GetTimestamp();
        var result = await checker.WaitAsync(entries, timeout, _options.HealthPollInterval, cancellationToken);
        if (result.Healthy)
        {
            report.MarkTrue(ConditionTypes.Healthy, ConditionReasons.Succeeded, $"Health check passed in {GoDuration.Format(Time.GetElapsedTime(started))}");
        }
        else
        {
            report.MarkFalse(ConditionTypes.Healthy, ConditionReasons.HealthCheckFailed, result.Message);
        }
    }

    protected override async Task FinalizeAsync(Kustomization ks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ks);
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
    }
}

/// <summary>Pruning failed after a successful apply.</summary>
public sealed class PruneException(string message, Exception inner) : Exception(message, inner);
