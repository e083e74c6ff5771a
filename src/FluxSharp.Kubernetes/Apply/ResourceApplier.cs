using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FluxSharp.Api;
using FluxSharp.Kubernetes.Client;
using FluxSharp.Kubernetes.Health;
using k8s;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FluxSharp.Kubernetes.Apply;

/// <summary>An apply, wait or delete failed; the message names the object as Flux does (Kind/namespace/name).</summary>
public sealed class ApplyException : Exception
{
    public ApplyException(string message, ObjectRef? obj = null, ChangeSet? changeSet = null, Exception? inner = null)
        : base(message, inner)
    {
        Object = obj;
        ChangeSet = changeSet;
    }

    public ApplyException()
        : this("apply failed")
    {
    }

    public ApplyException(string message)
        : this(message, null, null, null)
    {
    }

    public ApplyException(string message, Exception innerException)
        : this(message, null, null, innerException)
    {
    }

    /// <summary>The object that failed, when one did.</summary>
    public ObjectRef? Object { get; }

    /// <summary>What was done before the failure (delete: the entries handled).</summary>
    public ChangeSet? ChangeSet { get; }
}

/// <summary>The outcome of <see cref="ResourceApplier.DiffAsync"/>: the live and dry-run objects when the object drifted.</summary>
public sealed record DiffResult(ChangeSetEntry Entry, JsonObject? Live, JsonObject? DryRun);

/// <summary>
/// The apply half of Flux's kustomize-controller (fluxcd/pkg/ssa): server-side apply in stages with drift
/// detection by dry-run, recreation on immutable field changes, takeover of kubectl's fields, and prune.
/// </summary>
public sealed partial class ResourceApplier
{
    private static readonly Regex ImmutablePattern = new(@"is\s+immutable|immutable\s+field|field\s+is\s+immutable|may not change once set", RegexOptions.IgnoreCase | RegexOptions.Compiled, TimeSpan.FromSeconds(1));
    private readonly KubeClient _client;
    private readonly ILogger _logger;

    public ResourceApplier(IKubernetes kube, ILogger? logger = null)
        : this(new KubeClient(kube), null, logger)
    {
    }

    public ResourceApplier(KubeClient client, ResourceMapper? mapper = null, ILogger? logger = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        Mapper = mapper ?? new ResourceMapper(client);
        _logger = logger ?? NullLogger.Instance;
        Health = new HealthChecker(client, Mapper);
    }

    public ResourceMapper Mapper { get; }

    /// <summary>The health checker over the same client and mapper (used between stages).</summary>
    public HealthChecker Health { get; }

    /// <summary>True for CRDs and Namespaces: applied first and waited for (Flux's IsClusterDefinition).</summary>
    public static bool IsClusterDefinition(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var kind = (string?)obj["kind"] ?? string.Empty;
        var apiVersion = (string?)obj["apiVersion"] ?? string.Empty;
        return (string.Equals(kind, "CustomResourceDefinition", StringComparison.OrdinalIgnoreCase) && apiVersion.StartsWith("apiextensions.k8s.io/", StringComparison.Ordinal))
            || (string.Equals(kind, "Namespace", StringComparison.OrdinalIgnoreCase) && apiVersion == "v1");
    }

    /// <summary>
    /// Applies in three stages as kustomize-controller does: CRDs and Namespaces (then waits until CRDs are
    /// Established and namespaces Active), kinds named *Class (then waits), then everything else in kind order.
    /// </summary>
    public async Task<ChangeSet> ApplyAllStagedAsync(IReadOnlyList<JsonObject> objects, ApplyOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(objects);
        options ??= new ApplyOptions();
        var definitions = objects.Where(IsClusterDefinition).ToList();
        var classes = objects.Where(o => !IsClusterDefinition(o) && ((string?)o["kind"] ?? string.Empty).EndsWith("Class", StringComparison.Ordinal)).ToList();
        var rest = objects.Where(o => !IsClusterDefinition(o) && !((string?)o["kind"] ?? string.Empty).EndsWith("Class", StringComparison.Ordinal)).ToList();
        var result = new ChangeSet();
        foreach (var (stage, wait) in new[] { (definitions, true), (classes, true), (rest, false) })
        {
            if (stage.Count == 0)
            {
                continue;
            }

            ChangeSet changes;
            try
            {
                changes = await ApplyAllAsync(stage, options, cancellationToken);
            }
            catch (ApplyException e) when (result.HasChanges)
            {
                throw new ApplyException(e.Message + "\n" + result.ChangesSummary(), e.Object, result, e);
            }

            result.Append(changes.Entries);
            if (wait)
            {
                var toWait = changes.Entries.Where(e => e.Action != ChangeAction.Skipped).Select(e => e.Entry).ToList();
                var health = await Health.WaitAsync(toWait, options.WaitTimeout, options.WaitInterval, cancellationToken);
                if (!health.Healthy)
                {
                    throw new ApplyException(health.Message, (health.NotReady.Count > 0 ? health.NotReady[0].Entry.Ref : null), result);
                }
            }
        }

        return result;
    }

    /// <summary>Dry-runs every object (drift detection), then applies those created or changed. Unchanged objects are not written.</summary>
    public async Task<ChangeSet> ApplyAllAsync(IReadOnlyList<JsonObject> objects, ApplyOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(objects);
        options ??= new ApplyOptions();
        var prepared = new List<Prepared>(objects.Count);
        foreach (var obj in objects)
        {
            prepared.Add(await PrepareAsync(obj, cancellationToken));
        }

        prepared.Sort((a, b) => KindOrder.Compare(a.Entry.Ref, b.Entry.Ref));
        var plans = new Plan[prepared.Count];
        var errors = new string?[prepared.Count];
        using (var gate = new SemaphoreSlim(Math.Max(1, options.Concurrency)))
        {
            await Task.WhenAll(prepared.Select(async (p, i) =>
            {
                await gate.WaitAsync(cancellationToken);
                try
                {
                    plans[i] = await PlanAsync(p, options, cancellationToken);
                }
                catch (ApplyException e)
                {
                    errors[i] = e.Message;
                }
                finally
                {
                    gate.Release();
                }
            }));
        }

        var failed = errors.Where(e => e is not null).ToList();
        if (failed.Count > 0)
        {
            var first = Array.FindIndex(errors, e => e is not null);
            throw new ApplyException(string.Join('\n', failed), prepared[first].Entry.Ref);
        }

        var changeSet = new ChangeSet();
        foreach (var plan in plans)
        {
            if (plan.Action is ChangeAction.Created or ChangeAction.Configured)
            {
                try
                {
                    await ApplyPatchAsync(plan.Prepared, options, dryRun: false, cancellationToken);
                }
                catch (KubeApiException e)
                {
                    throw new ApplyException($"{plan.Prepared.Entry.Ref} apply failed: {e.Message}", plan.Prepared.Entry.Ref, changeSet, e);
                }

                LogApplied(_logger, plan.Prepared.Entry.Ref, plan.Action);
            }

            changeSet.Add(new ChangeSetEntry(plan.Prepared.Entry, plan.Action));
        }

        return changeSet;
    }

    /// <summary>Applies one object (dry-run, drift check, apply).</summary>
    public async Task<ChangeSetEntry> ApplyAsync(JsonObject obj, ApplyOptions? options, CancellationToken cancellationToken) =>
        (await ApplyAllAsync([obj], options, cancellationToken)).Entries[0];

    /// <summary>
    /// Flux's ssa Diff (what `flux diff kustomization` runs): a server-side apply dry-run of one object, nothing
    /// written. Created when the object does not exist (or would be recreated for an immutable change with force),
    /// Skipped for exclusions, Configured with the live and dry-run objects when it drifted, else Unchanged.
    /// </summary>
    /// <exception cref="ApplyException">The kind is not served, or the dry-run failed.</exception>
    public async Task<DiffResult> DiffAsync(JsonObject obj, ApplyOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(obj);
        options ??= new ApplyOptions();
        var p = await PrepareAsync(obj, cancellationToken);
        var live = await GetLiveAsync(p, cancellationToken);
        if (IsSkipped(p.Object, live, options))
        {
            return new DiffResult(new ChangeSetEntry(p.Entry, ChangeAction.Skipped), null, null);
        }

        JsonObject dryRun;
        try
        {
            dryRun = await ApplyPatchAsync(p, options, dryRun: true, cancellationToken);
        }
        catch (KubeApiException e) when (live is not null && IsImmutableError(e)
            && (options.Force || Ownership.AnyInMetadata(p.Object, options.ForceSelector) || Ownership.AnyInMetadata(live, options.ForceSelector)))
        {
            return new DiffResult(new ChangeSetEntry(p.Entry, ChangeAction.Created), null, null);
        }
        catch (KubeApiException e)
        {
            throw DryRunError(p, e, options);
        }

        if (live is null || string.IsNullOrEmpty((string?)dryRun["metadata"]?["resourceVersion"]))
        {
            return new DiffResult(new ChangeSetEntry(p.Entry, ChangeAction.Created), null, null);
        }

        return HasDrifted(live, dryRun)
            ? new DiffResult(new ChangeSetEntry(p.Entry, ChangeAction.Configured), live, dryRun)
            : new DiffResult(new ChangeSetEntry(p.Entry, ChangeAction.Unchanged), null, null);
    }

    /// <summary>The live object, or null when it does not exist (or its kind is not served).</summary>
    public async Task<JsonObject?> GetAsync(InventoryEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var mapping = await Mapper.TryMapAsync(entry.ApiVersion, entry.Ref.Kind, cancellationToken);
        return mapping is null ? null : await _client.GetAsync(mapping, entry.Ref.Namespace, entry.Ref.Name, cancellationToken);
    }

    /// <summary>
    /// Deletes the given objects (prune, or deletion of their owner) in reverse kind order, with
    /// background propagation. Objects already gone count as deleted; objects lacking the inclusion labels (not
    /// ours) or carrying an exclusion (prune: disabled) are skipped. Every object is tried; failures are reported
    /// together at the end as an <see cref="ApplyException"/> carrying the change set.
    /// </summary>
    public async Task<ChangeSet> DeleteAllAsync(IReadOnlyList<InventoryEntry> entries, DeleteOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        options ??= new DeleteOptions();
        var ordered = entries.ToList();
        ordered.Sort((a, b) => KindOrder.Compare(b.Ref, a.Ref));
        var changeSet = new ChangeSet();
        var errors = new List<string>();
        foreach (var entry in ordered)
        {
            try
            {
                var action = await DeleteAsync(entry, options, cancellationToken);
                changeSet.Add(new ChangeSetEntry(entry, action));
                if (action == ChangeAction.Deleted)
                {
                    LogDeleted(_logger, entry.Ref);
                }
            }
            catch (KubeApiException e)
            {
                changeSet.Add(new ChangeSetEntry(entry, ChangeAction.Unknown));
                errors.Add($"{entry.Ref} delete failed: {e.Message}");
            }
            catch (TimeoutException e)
            {
                changeSet.Add(new ChangeSetEntry(entry, ChangeAction.Unknown));
                errors.Add($"{entry.Ref} delete failed: {e.Message}");
            }
        }

        if (errors.Count > 0)
        {
            throw new ApplyException("delete failed, errors: " + string.Join("; ", errors), null, changeSet);
        }

        return changeSet;
    }

    private async Task<ChangeAction> DeleteAsync(InventoryEntry entry, DeleteOptions options, CancellationToken cancellationToken)
    {
        var mapping = await Mapper.TryMapAsync(entry.ApiVersion, entry.Ref.Kind, cancellationToken);
        if (mapping is null)
        {
            // The kind is not served any more (its CRD is gone): so is the object.
            return ChangeAction.Deleted;
        }

        var live = await _client.GetAsync(mapping, entry.Ref.Namespace, entry.Ref.Name, cancellationToken);
        if (live is null)
        {
            return ChangeAction.Deleted;
        }

        if (!Ownership.HasLabels(live, options.Inclusions) || Ownership.AnyInMetadata(live, options.Exclusions))
        {
            return ChangeAction.Skipped;
        }

        await _client.DeleteAsync(mapping, entry.Ref.Namespace, entry.Ref.Name, options.PropagationPolicy, (string?)live["metadata"]?["uid"], cancellationToken);
        return ChangeAction.Deleted;
    }

    private async Task<Prepared> PrepareAsync(JsonObject source, CancellationToken cancellationToken)
    {
        var obj = (JsonObject)source.DeepClone();
        var entry = InventoryEntry.From(obj);
        if (entry.Ref.Kind.Length == 0 || string.IsNullOrEmpty((string?)obj["apiVersion"]) || entry.Ref.Name.Length == 0)
        {
            throw new ApplyException($"{entry.Ref} is not a Kubernetes object: apiVersion, kind and metadata.name are required", entry.Ref);
        }

        ApiResource mapping;
        try
        {
            mapping = await Mapper.MapAsync(entry.ApiVersion, entry.Ref.Kind, cancellationToken);
        }
        catch (KindNotFoundException e)
        {
            throw new ApplyException($"{entry.Ref} dry-run failed: {e.Message}", entry.Ref, null, e);
        }

        if (mapping.Namespaced && entry.Ref.Namespace.Length == 0)
        {
            throw new ApplyException($"{entry.Ref} namespace not specified: {entry.Ref.Kind} is namespaced but metadata.namespace is empty", entry.Ref);
        }

        if (!mapping.Namespaced && entry.Ref.Namespace.Length > 0)
        {
            // Cluster-scoped: a namespace in the manifest means nothing; the server and the inventory ignore it.
            ((JsonObject)obj["metadata"]!).Remove("namespace");
            entry = entry with { Ref = entry.Ref with { Namespace = string.Empty } };
        }

        return new Prepared(obj, entry, mapping);
    }

    private async Task<Plan> PlanAsync(Prepared p, ApplyOptions options, CancellationToken cancellationToken)
    {
        var live = await GetLiveAsync(p, cancellationToken);
        if (IsSkipped(p.Object, live, options))
        {
            return new Plan(p, ChangeAction.Skipped);
        }

        JsonObject dryRun;
        try
        {
            dryRun = await ApplyPatchAsync(p, options, dryRun: true, cancellationToken);
        }
        catch (KubeApiException e) when (live is not null && IsImmutableError(e)
            && (options.Force || Ownership.AnyInMetadata(p.Object, options.ForceSelector) || Ownership.AnyInMetadata(live, options.ForceSelector)))
        {
            LogRecreating(_logger, p.Entry.Ref, e.Message);
            try
            {
                await _client.DeleteAsync(p.Mapping, p.Entry.Ref.Namespace, p.Entry.Ref.Name, "Background", (string?)live["metadata"]?["uid"], cancellationToken);
                await WaitGoneAsync(p, options, cancellationToken);
            }
            catch (KubeApiException de)
            {
                throw new ApplyException($"{p.Entry.Ref} immutable field detected, failed to delete object: {de.Message}", p.Entry.Ref, null, de);
            }

            live = null;
            try
            {
                dryRun = await ApplyPatchAsync(p, options, dryRun: true, cancellationToken);
            }
            catch (KubeApiException e2)
            {
                throw DryRunError(p, e2, options);
            }
        }
        catch (KubeApiException e)
        {
            throw DryRunError(p, e, options);
        }

        var patched = false;
        if (live is not null && !Ownership.AnyInMetadata(p.Object, options.CleanupExclusions) && !Ownership.AnyInMetadata(live, options.CleanupExclusions))
        {
            var cleanup = ManagedFieldsCleanup.BuildPatch(live, options.FieldManager, options.CleanupFieldManagers, options.CleanupAnnotations);
            if (cleanup is not null)
            {
                try
                {
                    await _client.JsonPatchAsync(p.Mapping, p.Entry.Ref.Namespace, p.Entry.Ref.Name, cleanup, options.FieldManager, cancellationToken);
                }
                catch (KubeApiException e)
                {
                    throw new ApplyException($"{p.Entry.Ref} metadata.managedFields cleanup failed: {e.Message}", p.Entry.Ref, null, e);
                }

                patched = true;
            }
        }

        if (string.IsNullOrEmpty((string?)dryRun["metadata"]?["resourceVersion"]))
        {
            return new Plan(p, ChangeAction.Created);
        }

        return new Plan(p, patched || HasDrifted(live, dryRun) ? ChangeAction.Configured : ChangeAction.Unchanged);
    }

    /// <summary>Excluded by label or annotation (reconcile disabled, ssa ignore), or already there and marked ifnotpresent.</summary>
    private static bool IsSkipped(JsonObject obj, JsonObject? live, ApplyOptions options) =>
        Ownership.AnyInMetadata(obj, options.ExclusionSelector) || Ownership.AnyInMetadata(live, options.ExclusionSelector)
        || (live is not null && Ownership.AnyInMetadata(obj, options.IfNotPresentSelector));

    private async Task<JsonObject?> GetLiveAsync(Prepared p, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.GetAsync(p.Mapping, p.Entry.Ref.Namespace, p.Entry.Ref.Name, cancellationToken);
        }
        catch (KubeApiException e)
        {
            throw new ApplyException($"{p.Entry.Ref} query failed: {e.Message}", p.Entry.Ref, null, e);
        }
    }

    private async Task WaitGoneAsync(Prepared p, ApplyOptions options, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + options.WaitTimeout;
        while (await _client.GetAsync(p.Mapping, p.Entry.Ref.Namespace, p.Entry.Ref.Name, cancellationToken) is not null)
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new ApplyException($"{p.Entry.Ref} immutable field detected, failed to wait for object to be deleted: timeout after {options.WaitTimeout}", p.Entry.Ref);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(options.WaitInterval.TotalMilliseconds, 200)), cancellationToken);
        }
    }

    private Task<JsonObject> ApplyPatchAsync(Prepared p, ApplyOptions options, bool dryRun, CancellationToken cancellationToken) =>
        _client.ApplyAsync(p.Mapping, p.Entry.Ref.Namespace, p.Entry.Ref.Name, p.Object, options.FieldManager, force: true, cancellationToken, dryRun);

    /// <summary>An immutable field change: 422/409 saying so, or an admission webhook or CEL rule saying so (Flux's IsImmutableError, without treating every invalid object as one).</summary>
    public static bool IsImmutableError(KubeApiException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return ImmutablePattern.IsMatch(error.Message);
    }

    private static ApplyException DryRunError(Prepared p, KubeApiException e, ApplyOptions options)
    {
        if (e.IsNotFound)
        {
            return new ApplyException($"{p.Entry.Ref} not found: {e.Message}", p.Entry.Ref, null, e);
        }

        var reason = e.Causes.Contains("FieldManagerConflict") ? "FieldManagerConflict" : e.Reason;
        var message = $"{p.Entry.Ref} dry-run failed ({reason}): {e.Message}";
        if (IsImmutableError(e) && !options.Force && (options.ForceHint ?? ForceSelectorHint(options)) is { Length: > 0 } hint)
        {
            message += $"; to recreate the object, {hint}";
        }

        return new ApplyException(message, p.Entry.Ref, null, e);
    }

    private static string? ForceSelectorHint(ApplyOptions options) =>
        options.ForceSelector.Count == 0 ? null : "annotate it with " + string.Join(" or ", options.ForceSelector.Select(kv => $"{kv.Key}: {kv.Value}"));

    /// <summary>Flux's drift check: labels, annotations, or anything outside metadata and status differs.</summary>
    public static bool HasDrifted(JsonObject? live, JsonObject dryRun)
    {
        ArgumentNullException.ThrowIfNull(dryRun);
        if (live is null || string.IsNullOrEmpty((string?)dryRun["metadata"]?["resourceVersion"]))
        {
            return true;
        }

        if (!SameMap(live["metadata"]?["labels"], dryRun["metadata"]?["labels"]) || !SameMap(live["metadata"]?["annotations"], dryRun["metadata"]?["annotations"]))
        {
            return true;
        }

        return !JsonNode.DeepEquals(WithoutMetadataAndStatus(live), WithoutMetadataAndStatus(dryRun));
    }

    private static bool SameMap(JsonNode? a, JsonNode? b)
    {
        var x = a as JsonObject;
        var y = b as JsonObject;
        if ((x?.Count ?? 0) == 0 && (y?.Count ?? 0) == 0)
        {
            return true;
        }

        return JsonNode.DeepEquals(x, y);
    }

    private static JsonObject WithoutMetadataAndStatus(JsonObject obj)
    {
        var copy = new JsonObject();
        foreach (var (key, value) in obj)
        {
            if (key is not ("metadata" or "status"))
            {
                copy[key] = value?.DeepClone();
            }
        }

        return copy;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Subject} {Action}")]
    private static partial void LogApplied(ILogger logger, ObjectRef subject, ChangeAction action);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Subject} deleted")]
    private static partial void LogDeleted(ILogger logger, ObjectRef subject);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Subject} has an immutable field change, recreating it: {Reason}")]
    private static partial void LogRecreating(ILogger logger, ObjectRef subject, string reason);

    private sealed record Prepared(JsonObject Object, InventoryEntry Entry, ApiResource Mapping);

    private sealed record Plan(Prepared Prepared, ChangeAction Action);
}
