using System.Text.Json.Nodes;
using FluxSharp.Api;
using FluxSharp.Api.Kustomize.V1;
using FluxSharp.Api.Source.V1;
using FluxSharp.Controllers.Kustomize;
using FluxSharp.Controllers.Source;
using FluxSharp.Kubernetes.Client;
using FluxSharp.Sources.Oci;
using FluxSharp.Testing;
using FluxSharp.Testing.Git;
using FluxSharp.Testing.Oci;
using k8s;
using k8s.Models;

namespace FluxSharp.Controllers.Tests.Infrastructure;

/// <summary>
/// The source and kustomize controllers on a local control plane, with plain, htpasswd, TLS and token-auth registries
/// (Debian's docker-registry) to push artifacts to, and helpers for OCIRepositories.
/// </summary>
public sealed class OciControllerFixture : ManagerFixture
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _content = new("fluxsharp-oci-content");
    private ResourceClient? _repos;

    public RegistryServer Registry { get; private set; } = null!;

    public RegistryServer AuthRegistry { get; private set; } = null!;

    public RegistryServer TlsRegistry { get; private set; } = null!;

    public RegistryServer TokenRegistry { get; private set; } = null!;

    public ResourceClient Repos => _repos ??= new ResourceClient(Client, FluxResources.OCIRepositories);

    protected override (string[] Names, IControllerModule[] Modules) Controllers() =>
        (["source", "kustomize"], [new SourceControllerModule(), new KustomizeControllerModule(new KustomizationOptions { RequeueDependency = TimeSpan.FromSeconds(1), HealthPollInterval = TimeSpan.FromMilliseconds(200) })]);

    public override async Task InitializeAsync()
    {
        var plain = RegistryServer.StartAsync();
        var auth = RegistryServer.StartAsync(new RegistryServerOptions { User = "flux" });
        var tls = RegistryServer.StartAsync(new RegistryServerOptions { Tls = true });
        var token = RegistryServer.StartAsync(new RegistryServerOptions { User = "flux", TokenAuth = true });
        Registry = await plain;
        AuthRegistry = await auth;
        TlsRegistry = await tls;
        TokenRegistry = await token;
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Registry.DisposeAsync();
        await AuthRegistry.DisposeAsync();
        await TlsRegistry.DisposeAsync();
        await TokenRegistry.DisposeAsync();
        _content.Dispose();
    }

    /// <summary>Pushes <paramref name="files"/> as a Flux artifact to <paramref name="url"/> (with tag); returns the manifest digest.</summary>
    public async Task<string> PushAsync(string url, IReadOnlyDictionary<string, string> files, OciCredentials? credentials = null, OciClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        var dir = _content.Sub(Guid.NewGuid().ToString("N"));
        foreach (var (path, text) in files)
        {
            var full = Path.Combine(dir, path);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, text);
        }

        using var client = new OciRegistryClient(options ?? new OciClientOptions { Insecure = true, Credentials = credentials });
        return await FluxArtifact.PushAsync(client, OciReference.Parse(url), dir, null,
            new FluxArtifactMetadata { Source = "https://example.com/app.git", Revision = "main@sha1:" + new string('1', 40) }, null, CancellationToken.None);
    }

    public static OCIRepository NewRepository(string ns, string name, string url, OCIRepositoryRef? reference = null, string interval = "1h") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new OCIRepositorySpec { Url = url, Interval = interval, Insecure = true, Reference = reference },
    };

    public async Task CreateAsync(OCIRepository repo)
    {
        ArgumentNullException.ThrowIfNull(repo);
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            JsonNode.Parse(KubernetesJson.Serialize(repo)), SourceGroup.Name, SourceGroup.Version, repo.Metadata.NamespaceProperty, OCIRepository.Plural);
    }

    public async Task CreateAsync(Kustomization ks)
    {
        ArgumentNullException.ThrowIfNull(ks);
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            JsonNode.Parse(KubernetesJson.Serialize(ks)), KustomizeGroup.Name, KustomizeGroup.Version, ks.Metadata.NamespaceProperty, Kustomization.Plural);
    }

    public Task PatchAsync(string ns, string name, string mergePatch) =>
        Repos.MergePatchAsync(ns, name, (JsonObject)JsonNode.Parse(mergePatch)!, status: false, "fluxsharp-tests", CancellationToken.None);

    public async Task<OCIRepository?> GetAsync(string ns, string name)
    {
        var json = await Repos.GetAsync(ns, name, CancellationToken.None);
        return json is null ? null : KubernetesJson.Deserialize<OCIRepository>(json.ToJsonString());
    }

    public Task<OCIRepository> WaitAsync(string ns, string name, Func<OCIRepository, bool> done, string what) =>
        Eventually.WaitAsync(async () => (await GetAsync(ns, name))!, r => r is not null && done(r), DefaultTimeout, $"OCIRepository {ns}/{name}: {what}");

    public Task<OCIRepository> WaitReadyAsync(string ns, string name, string? revision = null) =>
        WaitAsync(ns, name, r => Ready(r)?.Status == "True" && r.Status?.ObservedGeneration == r.Metadata.Generation && (revision is null || r.Status?.Artifact?.Revision == revision),
            $"Ready with revision {revision ?? "(any)"}");

    public Task<OCIRepository> WaitConditionAsync(string ns, string name, string type, string reason) =>
        WaitAsync(ns, name, r => r.Status?.Conditions?.Any(c => c.Type == type && c.Status == "True" && c.Reason == reason && c.ObservedGeneration == r.Metadata.Generation) == true,
            $"{type}=True reason {reason}");

    public static Condition? Ready(OCIRepository repo) => repo?.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready);

    public static Condition? Condition(OCIRepository repo, string type) => repo?.Status?.Conditions?.FirstOrDefault(c => c.Type == type);

    /// <summary>Requests a reconcile and waits until it was handled; returns the object then.</summary>
    public async Task<OCIRepository> ReconcileAsync(string ns, string name)
    {
        var at = await RequestReconcileAsync(Repos, ns, name);
        return await WaitAsync(ns, name, r => r.Status?.LastHandledReconcileAt == at, "lastHandledReconcileAt " + at);
    }

    public async Task<V1ConfigMap?> ConfigMapAsync(string ns, string name)
    {
        try
        {
            return await KubeApiException.CallAsync(() => Client.CoreV1.ReadNamespacedConfigMapAsync(name, ns));
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    public async Task SecretAsync(string ns, string name, string key, byte[] value, string type = "kubernetes.io/dockerconfigjson") =>
        await Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            Type = type,
            Data = new Dictionary<string, byte[]> { [key] = value },
        }, ns);
}
