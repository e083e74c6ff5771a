using FluxSharp.Api;
using FluxSharp.Api.Source.V1;
using FluxSharp.Kubernetes.Client;
using FluxSharp.Kubernetes.Runtime;
using FluxSharp.Kubernetes.Status;
using FluxSharp.Sources.Artifacts;
using FluxSharp.Sources.Git;
using k8s;
using Microsoft.Extensions.Logging;

namespace FluxSharp.Controllers.Source;

/// <summary>
/// GitRepository: resolve the remote revision, fetch it when it changed, pack it into an artifact, report.
/// An unchanged remote costs one ls-remote and no clone. A failed fetch keeps the previous artifact served.
/// Deletion, finalizer, suspend, intervals and the status patch are <see cref="FluxReconciler{T, TStatus}"/>'s.
/// </summary>
public sealed partial class GitRepositoryReconciler : FluxReconciler<GitRepository, GitRepositoryStatus>
{
    public const string StorageKind = "gitrepository";

    /// <summary>Ready mirrors a failed fetch first, else says the artifact is stored (source-controller's order).</summary>
    private static readonly ConditionSummary ReadySummary = new(
        [ConditionTypes.StorageOperationFailed, ConditionTypes.FetchFailed, ConditionTypes.IncludeUnavailable, ConditionTypes.ArtifactOutdated],
        [ConditionTypes.ArtifactInStorage]);

    private readonly IKubernetes _kube;
    private readonly GitClient _git;
    private readonly ArtifactStorage _storage;

    public GitRepositoryReconciler(IKubernetes kube, GitClient git, ArtifactStorage storage, EventRecorder events, ILogger logger, TimeProvider? time = null)
        : base(kube, FluxResources.GitRepositories, FluxNames.SourceController, events, logger, time)
    {
        _kube = kube;
        _git = git;
        _storage = storage;
    }

    /// <summary>Whether spec.url may be file:// (the manager's --allow-file-urls); off, such objects stall.</summary>
    public bool AllowFileUrls { get; init; }

    protected override ConditionSummary Summary => ReadySummary;

    protected override async Task ReconcileStepsAsync(ReconcileRun<GitRepository, GitRepositoryStatus> run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);

        // First, as Flux's reconcileStorage: the artifact in status is served at this manager's address, even when the
        // fetch below fails or finds the revision unchanged (no clone, no event for a new address).
        run.Status = run.Status with { Artifact = _storage.Advertise(run.Status.Artifact) };

        // A file:// URL reads the manager's own disk: only when the manager allows it. Only a spec change (or a manager
        // restarted with the flag) fixes it, so it stalls like an invalid URL.
        if (!AllowFileUrls && IsFileUrl(run.Object.Spec.Url))
        {
            var message = $"GitRepository {run.Object.Metadata.NamespaceProperty}/{run.Object.Metadata.Name}: spec.url: file:// URLs are not allowed by this manager (they read its local disk); "
                + "start the manager with --allow-file-urls (FLUXSHARP_ALLOW_FILE_URLS=true) to allow them";
            run.Report.MarkTrue(ConditionTypes.FetchFailed, ConditionReasons.UrlInvalid, message);
            throw new StallingException(ConditionReasons.UrlInvalid, message);
        }

        // Settings we cannot honour yet stall the object with a message, rather than being silently ignored.
        if (UnsupportedField(run.Object.Spec) is { } unsupported)
        {
            throw new StallingException("UnsupportedField", unsupported);
        }

        // A new generation says so at once, as source-controller does, before a clone that may take a while.
        var observed = run.Object.Status?.ObservedGeneration ?? 0;
        if (run.Object.Metadata.Generation is { } generation && generation != observed)
        {
            var message = $"processing object: new generation {observed} -> {generation}";
            await run.ProgressingAsync(message, message, cancellationToken);
        }

        var (artifact, created, subject) = await FetchAsync(run, cancellationToken);
        Report(run, artifact, created, subject);
    }

    protected override Task FinalizeAsync(GitRepository obj, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(obj);
        _storage.Delete(StorageKind, obj.Metadata.NamespaceProperty, obj.Metadata.Name);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "GitRepository {Namespace}/{Name}: stored artifact for revision {Revision}")]
    private static partial void LogStored(ILogger logger, string @namespace, string name, string revision);

    /// <summary>The stored artifact is Ready; the settings it was built with are recorded; a new one is announced.</summary>
    private static void Report(ReconcileRun<GitRepository, GitRepositoryStatus> run, Artifact artifact, bool created, string subject)
    {
        var spec = run.Object.Spec;
        var message = $"stored artifact for revision '{artifact.Revision}'";
        run.Report.Delete(ConditionTypes.FetchFailed);
        run.Report.MarkTrue(ConditionTypes.ArtifactInStorage, ConditionReasons.Succeeded, message);
        run.Succeeded(ConditionReasons.Succeeded, message);
        run.Status = run.Status with
        {
            Artifact = artifact,
            ObservedIgnore = spec.Ignore,
            ObservedRecurseSubmodules = spec.RecurseSubmodules,
            ObservedSparseCheckout = spec.SparseCheckout,
        };
        if (created)
        {
            run.EventMetadata[FluxAnnotations.SourceRevision] = artifact.Revision;
            run.Event("NewArtifact", $"stored artifact for commit '{subject}'");
        }
    }

    /// <summary>Fetches and stores; a git failure is FetchFailed (stalled when only a spec change can fix it).</summary>
    private async Task<(Artifact Artifact, bool Created, string Subject)> FetchAsync(ReconcileRun<GitRepository, GitRepositoryStatus> run, CancellationToken cancellationToken)
    {
        try
        {
            var request = await BuildRequestAsync(run.Object, run.Intervals.Timeout ?? TimeSpan.FromSeconds(60), cancellationToken);
            return await FetchAndStoreAsync(run.Object, run.Status.Artifact, request, cancellationToken);
        }
        catch (GitOperationException e)
        {
            // Only a spec change can fix invalid input, and spec changes trigger a reconcile. A missing or incomplete
            // Secret is fixed outside the object (Secrets are not watched), so like Flux it is retried with backoff.
            var reason = ReasonFor(e.Kind);
            run.Report.MarkTrue(ConditionTypes.FetchFailed, reason, e.Message);
            throw e.Kind is GitErrorKind.InvalidInput or GitErrorKind.InvalidSemVer
                ? new StallingException(reason, e.Message, e)
                : new ReconcileException(reason, e.Message, e);
        }
    }

    private static string? UnsupportedField(GitRepositorySpec spec) =>
        spec.Verification is not null ? "spec.verify (commit signature verification) is not supported by FluxSharp yet; remove it to reconcile this source"
        : spec.Include is { Count: > 0 } ? "spec.include is not supported by FluxSharp yet; remove it to reconcile this source"
        : spec.ProxySecretRef is not null ? "spec.proxySecretRef is not supported by FluxSharp yet; remove it to reconcile this source"
        : spec.Provider is not (null or "" or "generic") ? $"spec.provider \"{spec.Provider}\" is not supported by FluxSharp yet; only \"generic\" is"
        : spec.ServiceAccountName is not null ? "spec.serviceAccountName (workload identity) is not supported by FluxSharp yet; remove it to reconcile this source"
        : null;

    private static bool IsFileUrl(string? url) => url is not null && url.TrimStart().StartsWith("file:", StringComparison.OrdinalIgnoreCase);

    private static string ReasonFor(GitErrorKind kind) => kind switch
    {
        GitErrorKind.InvalidAuth or GitErrorKind.AuthenticationFailed or GitErrorKind.HostKeyVerificationFailed or GitErrorKind.TlsVerificationFailed => ConditionReasons.AuthenticationFailed,
        GitErrorKind.InvalidInput => ConditionReasons.UrlInvalid,
        _ => ConditionReasons.GitOperationFailed,
    };

    private async Task<GitCheckoutRequest> BuildRequestAsync(GitRepository repo, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var spec = repo.Spec;
        GitAuth? auth = null;
        if (spec.SecretRef is { Name.Length: > 0 } secretRef)
        {
            var data = await ReadSecretAsync(repo.Metadata.NamespaceProperty, secretRef.Name, cancellationToken);
            auth = GitAuth.FromSecret(data, spec.Url);
        }

        var r = spec.Reference;
        return new GitCheckoutRequest(spec.Url)
        {
            Reference = new GitReference(r?.Branch, r?.Tag, r?.SemVer, r?.Name, r?.Commit),
            Auth = auth,
            RecurseSubmodules = spec.RecurseSubmodules == true,
            SparseCheckout = spec.SparseCheckout?.ToList(),
            Timeout = timeout,
        };
    }

    private async Task<IReadOnlyDictionary<string, byte[]>> ReadSecretAsync(string ns, string name, CancellationToken cancellationToken)
    {
        try
        {
            var secret = await KubeApiException.CallAsync(() => _kube.CoreV1.ReadNamespacedSecretAsync(name, ns, cancellationToken: cancellationToken));
            return secret.Data is null ? new Dictionary<string, byte[]>() : new Dictionary<string, byte[]>(secret.Data);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            throw new GitOperationException(GitErrorKind.InvalidAuth, $"failed to get secret '{ns}/{name}': secrets \"{name}\" not found");
        }
    }

    /// <summary>Resolves the remote revision; clones and archives only when it differs from the stored artifact.</summary>
    private async Task<(Artifact Artifact, bool Created, string Message)> FetchAndStoreAsync(GitRepository repo, Artifact? current, GitCheckoutRequest request, CancellationToken cancellationToken)
    {
        var ns = repo.Metadata.NamespaceProperty;
        var name = repo.Metadata.Name;
        var remote = await _git.ResolveRemoteRevisionAsync(request, cancellationToken);
        if (current is not null && remote == current.Revision && SameSettings(repo) && File.Exists(Path.Combine(_storage.Root, current.Path)))
        {
            return (current, false, string.Empty);
        }

        var workDir = Path.Combine(Path.GetTempPath(), "fluxsharp-git", Guid.NewGuid().ToString("N"));
        try
        {
            var checkout = await _git.CheckoutAsync(request, workDir, cancellationToken);
            var ignore = SourceIgnore.Load(workDir, repo.Spec.Ignore);
            var stored = await _storage.ArchiveAsync(StorageKind, ns, name, workDir, ignore, checkout.Revision, cancellationToken);
            _storage.GarbageCollect(StorageKind, ns, name, stored.Path, keep: 2);
            LogStored(Logger, ns, name, stored.Revision);
            var artifact = new Artifact
            {
                Path = stored.Path,
                Url = stored.Url,
                Revision = stored.Revision,
                Digest = stored.Digest,
                Size = stored.Size,
                LastUpdateTime = stored.LastUpdateTime.UtcDateTime,
            };
            var subject = checkout.Message.Split('\n', 2)[0].Trim();
            return (artifact, current?.Digest != artifact.Digest || current.Revision != artifact.Revision, subject);
        }
        finally
        {
            try
            {
                if (Directory.Exists(workDir))
                {
                    Directory.Delete(workDir, recursive: true);
                }
            }
            catch (IOException)
            {
                // A leftover temp checkout is harmless.
            }
        }
    }

    /// <summary>The settings that shape the artifact are the ones it was built with.</summary>
    private static bool SameSettings(GitRepository repo) =>
        repo.Status?.ObservedIgnore == repo.Spec.Ignore
        && (repo.Status?.ObservedRecurseSubmodules ?? false) == (repo.Spec.RecurseSubmodules ?? false)
        && (repo.Status?.ObservedSparseCheckout ?? []).SequenceEqual(repo.Spec.SparseCheckout ?? []);
}
