using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using FluxSharp.Api;
using FluxSharp.Api.Source.V1;
using FluxSharp.Build;
using FluxSharp.Kubernetes.Client;
using FluxSharp.Kubernetes.Runtime;
using FluxSharp.Kubernetes.Status;
using FluxSharp.Sources.Artifacts;
using FluxSharp.Sources.Oci;
using k8s;
using Microsoft.Extensions.Logging;

namespace FluxSharp.Controllers.Source;

/// <summary>
/// OCIRepository: resolve the tag (or semver range, or digest) to a manifest digest with one HEAD, pull the selected
/// layer only when the revision changed, extract it safely and re-pack it (or, with <c>operation: copy</c>, store
/// it as it is), report. A failed pull keeps the previous artifact served.
/// </summary>
public sealed partial class OCIRepositoryReconciler : FluxReconciler<OCIRepository, OCIRepositoryStatus>
{
    public const string StorageKind = "ocirepository";

    private static readonly ConditionSummary ReadySummary = new(
        [ConditionTypes.StorageOperationFailed, ConditionTypes.FetchFailed, ConditionTypes.ArtifactOutdated],
        [ConditionTypes.ArtifactInStorage]);

    private readonly IKubernetes _kube;
    private readonly ArtifactStorage _storage;
    private readonly ArtifactFetchOptions _limits;
    private readonly OciClientCache _clients = new();

    public OCIRepositoryReconciler(IKubernetes kube, ArtifactStorage storage, EventRecorder events, ILogger logger, TimeProvider? time = null, ArtifactFetchOptions? limits = null)
        : base(kube, FluxResources.OCIRepositories, FluxNames.SourceController, events, logger, time)
    {
        _kube = kube;
        _storage = storage;
        _limits = limits ?? new ArtifactFetchOptions();
    }

    protected override ConditionSummary Summary => ReadySummary;

    protected override async Task ReconcileStepsAsync(ReconcileRun<OCIRepository, OCIRepositoryStatus> run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        run.Status = run.Status with { Artifact = _storage.Advertise(run.Status.Artifact) };
        if (UnsupportedField(run.Object.Spec) is { } unsupported)
        {
            throw new StallingException("UnsupportedField", unsupported);
        }

        var spec = run.Object.Spec;
        OciReference reference;
        try
        {
            reference = OciReference.Parse(spec.Url);
            if (reference.Tag is not null || reference.Digest is not null)
            {
                throw new OciException(OciErrorKind.InvalidInput, $"URL '{spec.Url}' must not contain a tag or digest; use spec.ref");
            }
        }
        catch (OciException e)
        {
            run.Report.MarkTrue(ConditionTypes.FetchFailed, ConditionReasons.UrlInvalid, e.Message);
            throw new StallingException(ConditionReasons.UrlInvalid, e.Message, e);
        }

        var options = await StepAsync(run, ConditionReasons.AuthenticationFailed, m => m, () => ClientOptionsAsync(run, cancellationToken));
        var client = _clients.For(reference.Registry, options, WebProxyKey.Of(options.Proxy));
        var (artifact, created) = await FetchAsync(run, client, reference, cancellationToken);
        Report(run, artifact, created);
    }

    /// <summary>
    /// Runs one step of the fetch; a registry or extraction failure becomes FetchFailed with the step's reason and
    /// Flux's wording (authentication failures are AuthenticationFailed, unusable layers OCIArtifactLayerOperationFailed
    /// whatever the step). An invalid semver range stalls; everything else is retried.
    /// </summary>
    private static async Task<T> StepAsync<T>(ReconcileRun<OCIRepository, OCIRepositoryStatus> run, string reason, Func<string, string> describe, Func<Task<T>> step)
    {
        string why;
        string message;
        Exception inner;
        var stall = false;
        try
        {
            return await step();
        }
        catch (OciException e)
        {
            why = e.Kind switch
            {
                OciErrorKind.AuthenticationFailed => ConditionReasons.AuthenticationFailed,
                OciErrorKind.UnsupportedMediaType or OciErrorKind.SizeLimitExceeded => ConditionReasons.OciLayerOperationFailed,
                _ => reason,
            };
            message = describe(e.Message);
            stall = e.Kind == OciErrorKind.InvalidInput && e.Message.Contains("semver", StringComparison.Ordinal);
            inner = e;
        }
        catch (BuildException e)
        {
            why = reason;
            message = describe(e.Message);
            inner = e;
        }

        run.Report.MarkTrue(ConditionTypes.FetchFailed, why, message);
        throw stall ? new StallingException(why, message, inner) : new ReconcileException(why, message, inner);
    }

    protected override Task FinalizeAsync(OCIRepository obj, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(obj);
        _storage.Delete(StorageKind, obj.Metadata.NamespaceProperty, obj.Metadata.Name);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "OCIRepository {Namespace}/{Name}: stored artifact for revision {Revision}")]
    private static partial void LogStored(ILogger logger, string @namespace, string name, string revision);

    private static void Report(ReconcileRun<OCIRepository, OCIRepositoryStatus> run, Artifact artifact, bool created)
    {
        var spec = run.Object.Spec;
        var message = $"stored artifact for digest '{artifact.Revision}'";
        run.Report.Delete(ConditionTypes.FetchFailed);
        run.Report.MarkTrue(ConditionTypes.ArtifactInStorage, ConditionReasons.Succeeded, message);
        run.Succeeded(ConditionReasons.Succeeded, message);
        run.Status = run.Status with
        {
            Artifact = artifact,
            Url = artifact.Url,
            ObservedIgnore = spec.Ignore,
            ObservedLayerSelector = spec.LayerSelector,
        };
        if (created)
        {
            var text = $"stored artifact with revision '{artifact.Revision}' from '{spec.Url}'";
            if (artifact.Metadata is { } meta && meta.TryGetValue(OciAnnotations.Source, out var source) && meta.TryGetValue(OciAnnotations.Revision, out var origin))
            {
                text += $", origin source '{source}', origin revision '{origin}'";
            }

            run.EventMetadata[FluxAnnotations.SourceRevision] = artifact.Revision;
            run.EventMetadata[FluxAnnotations.SourceDigest] = artifact.Digest;
            run.Event("NewArtifact", text);
        }
    }

    /// <summary>Resolves the revision with one HEAD; pulls, checks and stores only when it differs from the stored artifact.</summary>
    private async Task<(Artifact Artifact, bool Created)> FetchAsync(ReconcileRun<OCIRepository, OCIRepositoryStatus> run, OciRegistryClient client, OciReference repository, CancellationToken cancellationToken)
    {
        var obj = run.Object;
        var spec = obj.Spec;
        var current = run.Status.Artifact;
        var (reference, revision) = await ResolveAsync(run, client, repository, spec, cancellationToken);
        if (current is not null && current.Revision == revision && SameSettings(obj) && File.Exists(Path.Combine(_storage.Root, current.Path)))
        {
            return (current, false);
        }

        var work = Path.Combine(Path.GetTempPath(), "fluxsharp-oci", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            var blob = Path.Combine(work, "layer.tar.gz");
            var layer = await StepAsync(run, ConditionReasons.OciPullFailed, m => $"failed to pull artifact from '{spec.Url}': {m}", async () =>
            {
                var selected = await FluxArtifact.SelectLayerAsync(client, reference, spec.LayerSelector?.MediaType, cancellationToken);
                await FluxArtifact.DownloadAsync(client, selected, blob, cancellationToken);
                return selected;
            });
            var ns = obj.Metadata.NamespaceProperty;
            var name = obj.Metadata.Name;
            var stored = await StepAsync(run, ConditionReasons.OciLayerOperationFailed, m => $"failed to extract layer contents from artifact '{spec.Url}': {m}", async () =>
            {
                if (spec.LayerSelector?.Operation == OCILayerOperations.Copy)
                {
                    // As Flux: the layer as it is, named after the manifest digest with .tgz.
                    return await _storage.StoreFileAsync(StorageKind, ns, name, blob, revision, DigestHex(revision) + ".tgz", cancellationToken);
                }

                var dir = Path.Combine(work, "content");
                await using (var input = File.OpenRead(blob))
                {
                    await ArtifactFetcher.ExtractAsync(input, dir, _limits, cancellationToken);
                }

                return await _storage.ArchiveAsync(StorageKind, ns, name, dir, SourceIgnore.Load(dir, spec.Ignore), revision, cancellationToken);
            });
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
                Metadata = layer.Annotations.Count == 0 ? null : new Dictionary<string, string>(layer.Annotations),
            };
            return (artifact, current?.Digest != artifact.Digest || current.Revision != artifact.Revision);
        }
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp directory is harmless.
            }
        }
    }

    /// <summary>Flux's revision: <c>&lt;tag&gt;@&lt;digest&gt;</c>, or the digest alone for spec.ref.digest; one HEAD (plus the tag list for semver).</summary>
    private static async Task<(OciReference Reference, string Revision)> ResolveAsync(ReconcileRun<OCIRepository, OCIRepositoryStatus> run, OciRegistryClient client, OciReference repository, OCIRepositorySpec spec, CancellationToken cancellationToken)
    {
        var r = spec.Reference;
        if (r?.Digest is { Length: > 0 } digest)
        {
            var pinned = repository.WithDigest(digest);
            await StepAsync(run, ConditionReasons.OciPullFailed, m => $"failed to determine artifact digest for '{spec.Url}': {m}", async () =>
                await client.HeadManifestAsync(pinned, cancellationToken)
                ?? throw new OciException(OciErrorKind.NotFound, $"{pinned}: manifest unknown (MANIFEST_UNKNOWN): the digest does not exist"));
            return (pinned, digest);
        }

        var tag = r?.SemVer is { Length: > 0 } range
            ? await StepAsync(run, ConditionReasons.ReadOperationFailed, m => $"failed to determine the artifact tag for '{spec.Url}': {m}", async () =>
                OciTagSelector.Latest(await client.ListTagsAsync(repository, cancellationToken), range, r.SemverFilter, spec.Url))
            : r?.Tag is { Length: > 0 } t ? t : "latest";
        var tagged = repository.WithTag(tag);
        var head = await StepAsync(run, ConditionReasons.OciPullFailed, m => $"failed to determine artifact digest for '{spec.Url}': {m}", async () =>
            await client.HeadManifestAsync(tagged, cancellationToken)
            ?? throw new OciException(OciErrorKind.NotFound, $"{tagged}: manifest unknown (MANIFEST_UNKNOWN): the repository or tag does not exist"));
        return (tagged.WithDigest(head.Digest), $"{tag}@{head.Digest}");
    }

    private static string DigestHex(string revision) => revision[(revision.LastIndexOf(':') + 1)..];

    private static bool SameSettings(OCIRepository obj) =>
        obj.Status?.ObservedIgnore == obj.Spec.Ignore && Equals(obj.Status?.ObservedLayerSelector, obj.Spec.LayerSelector);

    private static string? UnsupportedField(OCIRepositorySpec spec) =>
        spec.Verify is not null ? "spec.verify (cosign/notation signature verification) is not supported by FluxSharp yet; remove it to reconcile this source"
        : spec.Provider is not (null or "" or OCIProviders.Generic) ? $"spec.provider \"{spec.Provider}\" is not supported by FluxSharp yet; only \"generic\" is (use spec.secretRef)"
        : null;

    /// <summary>Credentials (secretRef, else the service account's imagePullSecrets), TLS (certSecretRef), proxy, insecure, timeout.</summary>
    private async Task<OciClientOptions> ClientOptionsAsync(ReconcileRun<OCIRepository, OCIRepositoryStatus> run, CancellationToken cancellationToken)
    {
        var obj = run.Object;
        var spec = obj.Spec;
        var ns = obj.Metadata.NamespaceProperty;
        var registry = OciReference.Parse(spec.Url).Registry;
        OciCredentials? credentials = null;
        if (spec.SecretRef is { Name.Length: > 0 } secretRef)
        {
            credentials = DockerCredentials(await ReadSecretAsync(ns, secretRef.Name, "failed to get credential", cancellationToken), secretRef.Name, registry);
        }
        else if (spec.ServiceAccountName is { Length: > 0 } sa)
        {
            k8s.Models.V1ServiceAccount account;
            try
            {
                account = await KubeApiException.CallAsync(() => _kube.CoreV1.ReadNamespacedServiceAccountAsync(sa, ns, cancellationToken: cancellationToken));
            }
            catch (KubeApiException e) when (e.IsNotFound)
            {
                throw new OciException(OciErrorKind.AuthenticationFailed, $"failed to get credential: failed to get service account '{ns}/{sa}': serviceaccounts \"{sa}\" not found");
            }

            foreach (var pull in account.ImagePullSecrets ?? [])
            {
                credentials = DockerCredentials(await ReadSecretAsync(ns, pull.Name, "failed to get credential", cancellationToken), pull.Name, registry);
                if (credentials is not null)
                {
                    break;
                }
            }
        }

        X509Certificate2Collection? cas = null;
        X509Certificate2? client = null;
        if (spec.CertSecretRef is { Name.Length: > 0 } certRef)
        {
            var data = await ReadSecretAsync(ns, certRef.Name, $"failed to generate transport for '{spec.Url}'", cancellationToken);
            try
            {
                if (data.TryGetValue("ca.crt", out var ca))
                {
                    cas = [];
                    cas.ImportFromPem(Encoding.UTF8.GetString(ca));
                }

                if (data.TryGetValue("tls.crt", out var crt) && data.TryGetValue("tls.key", out var key))
                {
                    client = X509Certificate2.CreateFromPem(Encoding.UTF8.GetString(crt), Encoding.UTF8.GetString(key));
                }
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                throw new OciException(OciErrorKind.AuthenticationFailed, $"failed to generate transport for '{spec.Url}': secret '{ns}/{certRef.Name}': ca.crt, tls.crt or tls.key is not valid PEM");
            }
        }

        IWebProxy? proxy = null;
        if (spec.ProxySecretRef is { Name.Length: > 0 } proxyRef)
        {
            var data = await ReadSecretAsync(ns, proxyRef.Name, "failed to get proxy address", cancellationToken);
            if (!data.TryGetValue("address", out var address) || !Uri.TryCreate(Encoding.UTF8.GetString(address), UriKind.Absolute, out var proxyUri))
            {
                throw new OciException(OciErrorKind.AuthenticationFailed, $"failed to get proxy address: secret '{ns}/{proxyRef.Name}': key 'address' is missing or not a URL");
            }

            var webProxy = new WebProxy(proxyUri);
            if (data.TryGetValue("username", out var user) && data.TryGetValue("password", out var pass))
            {
                webProxy.Credentials = new NetworkCredential(Encoding.UTF8.GetString(user), Encoding.UTF8.GetString(pass));
            }

            proxy = webProxy;
        }

        return new OciClientOptions
        {
            Credentials = credentials,
            CaCertificates = cas,
            ClientCertificate = client,
            Proxy = proxy,
            Insecure = spec.Insecure == true,
            Timeout = run.Intervals.Timeout ?? TimeSpan.FromSeconds(60),
            MaxBlobBytes = _limits.MaxDownloadBytes,
        };
    }

    private static OciCredentials? DockerCredentials(IReadOnlyDictionary<string, byte[]> data, string secret, string registry) =>
        data.TryGetValue(".dockerconfigjson", out var json)
            ? OciCredentials.FromDockerConfig(json, registry)
            : throw new OciException(OciErrorKind.AuthenticationFailed, $"failed to get credential: secret '{secret}' has no '.dockerconfigjson' key: create it with `fluxsharp create secret oci` (type kubernetes.io/dockerconfigjson)");

    private async Task<IReadOnlyDictionary<string, byte[]>> ReadSecretAsync(string ns, string name, string what, CancellationToken cancellationToken)
    {
        try
        {
            var secret = await KubeApiException.CallAsync(() => _kube.CoreV1.ReadNamespacedSecretAsync(name, ns, cancellationToken: cancellationToken));
            return secret.Data is null ? new Dictionary<string, byte[]>() : new Dictionary<string, byte[]>(secret.Data);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            throw new OciException(OciErrorKind.AuthenticationFailed, $"{what}: failed to get secret '{ns}/{name}': secrets \"{name}\" not found");
        }
    }
}
