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
/// </summary>
public sealed partial class GitRepositoryReconciler : IReconciler<GitRepository>
{
    public const string StorageKind = "gitrepository";
    private const string RevisionAnnotation = "source.toolkit.fluxcd.io/revision";

    private readonly IKubernetes _kube;
    private readonly GitClient _git;
    private readonly ArtifactStorage _storage;
    private readonly EventRecorder _events;
    private readonly ObjectPatcher _patcher;
    private readonly ILogger _logger;

    public GitRepositoryReconciler(IKubernetes kube, GitClient git, ArtifactStorage storage, EventRecorder events, ILogger logger)
    {
        _kube = kube;
        _git = git;
        _storage = storage;
        _events = events;
        _logger = logger;
        _patcher = new ObjectPatcher(kube, FluxResources.GitRepositories, FluxNames.SourceController);
    }

    public async Task<ReconcileResult> ReconcileAsync(GitRepository repo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repo);
        var ns = repo.Metadata.NamespaceProperty;
        var name = repo.Metadata.Name;

        if (repo.Metadata.DeletionTimestamp is not null)
        {
            _storage.Delete(StorageKind, ns, name);
            await _patcher.RemoveFinalizerAsync(repo, FluxNames.Finalizer, cancellationToken);
            return ReconcileResult.Done;
        }

        if (repo.Metadata.Finalizers?.Contains(FluxNames.Finalizer) != true)
        {
            await _patcher.AddFinalizerAsync(repo, FluxNames.Finalizer, cancellationToken);
        }

        ControllerMetrics.Suspended.WithLabels(GitRepository.KindName, name, ns).Set(repo.Spec.Suspend == true ? 1 : 0);
        if (repo.Spec.Suspend == true)
        {
            LogSuspended(_logger, ns, name);
            return ReconcileResult.Done;
        }

        var before = repo.Status;
        var report = new StatusReport(repo);

        // Settings we cannot honour yet stall the object with a message, rather than being silently ignored.
        if (UnsupportedField(repo.Spec) is { } unsupported)
        {
            report.Stalled("UnsupportedField", unsupported);
            await FinishAsync(repo, before, report, cancellationToken);
            await _events.WarningAsync(repo, "UnsupportedField", unsupported, cancellationToken: cancellationToken);
            return ReconcileResult.Done;
        }

        if (!GoDuration.TryParse(repo.Spec.Interval, out var interval) || interval <= TimeSpan.Zero)
        {
            report.Stalled(ConditionReasons.Failed, $"spec.interval: \"{repo.Spec.Interval}\" is not a positive duration (e.g. 1m, 5m30s)");
            await FinishAsync(repo, before, report, cancellationToken);
            return ReconcileResult.Done;
        }

        try
        {
            var request = await BuildRequestAsync(repo, cancellationToken);
            var (artifact, created, message) = await FetchAndStoreAsync(repo, request, cancellationToken);
            report.Succeeded(artifact);
            await FinishAsync(repo, before, report, cancellationToken);
            if (created)
            {
                var metadata = new Dictionary<string, string> { [RevisionAnnotation] = artifact.Revision };
                await _events.NormalAsync(repo, "NewArtifact", $"stored artifact for commit '{message}'", metadata, cancellationToken);
            }

            return ReconcileResult.After(interval);
        }
        catch (GitOperationException e)
        {
            var reason = ReasonFor(e.Kind);
            // Only a spec change can fix invalid input, and spec changes trigger a reconcile. A missing or incomplete
            // Secret is fixed outside the object (Secrets are not watched), so like Flux it is retried with backoff.
            report.FetchFailed(reason, e.Message, stalled: e.Kind is GitErrorKind.InvalidInput or GitErrorKind.InvalidSemVer);
            await FinishAsync(repo, before, report, cancellationToken);
            await _events.WarningAsync(repo, reason, e.Message, cancellationToken: cancellationToken);
            if (report.IsStalled)
            {
                return ReconcileResult.Done;
            }

            throw new ReconcileFailedException($"GitRepository {ns}/{name}: {e.Message}", e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "GitRepository {Namespace}/{Name} is suspended, skipping")]
    private static partial void LogSuspended(ILogger logger, string @namespace, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "GitRepository {Namespace}/{Name}: stored artifact for revision {Revision}")]
    private static partial void LogStored(ILogger logger, string @namespace, string name, string revision);

    private static string? UnsupportedField(GitRepositorySpec spec) =>
        spec.Verification is not null ? "spec.verify (commit signature verification) is not supported by FluxSharp yet; remove it to reconcile this source"
        : spec.Include is { Count: > 0 } ? "spec.include is not supported by FluxSharp yet; remove it to reconcile this source"
        : spec.ProxySecretRef is not null ? "spec.proxySecretRef is not supported by FluxSharp yet; remove it to reconcile this source"
        : spec.Provider is not (null or "" or "generic") ? $"spec.provider \"{spec.Provider}\" is not supported by FluxSharp yet; only \"generic\" is"
        : spec.ServiceAccountName is not null ? "spec.serviceAccountName (workload identity) is not supported by FluxSharp yet; remove it to reconcile this source"
        : null;

    private static string ReasonFor(GitErrorKind kind) => kind switch
    {
        GitErrorKind.InvalidAuth or GitErrorKind.AuthenticationFailed or GitErrorKind.HostKeyVerificationFailed or GitErrorKind.TlsVerificationFailed => ConditionReasons.AuthenticationFailed,
        GitErrorKind.InvalidInput => ConditionReasons.UrlInvalid,
        _ => ConditionReasons.GitOperationFailed,
    };

    private async Task<GitCheckoutRequest> BuildRequestAsync(GitRepository repo, CancellationToken cancellationToken)
    {
        var spec = repo.Spec;
        var timeout = GoDuration.TryParse(spec.Timeout, out var t) && t > TimeSpan.Zero ? t : TimeSpan.FromSeconds(60);
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
    private async Task<(Artifact Artifact, bool Created, string Message)> FetchAndStoreAsync(GitRepository repo, GitCheckoutRequest request, CancellationToken cancellationToken)
    {
        var ns = repo.Metadata.NamespaceProperty;
        var name = repo.Metadata.Name;
        var current = repo.Status?.Artifact;
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
            LogStored(_logger, ns, name, stored.Revision);
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

    private async Task FinishAsync(GitRepository repo, GitRepositoryStatus? before, StatusReport report, CancellationToken cancellationToken)
    {
        var after = report.Build();
        await _patcher.PatchStatusAsync(repo, before, after, cancellationToken);
        var ready = Conditions.Find(after.Conditions, ConditionTypes.Ready);
        ControllerMetrics.RecordCondition(GitRepository.KindName, repo.Metadata.NamespaceProperty, repo.Metadata.Name, ConditionTypes.Ready, ready?.Status ?? ConditionStatus.Unknown);
    }
}
