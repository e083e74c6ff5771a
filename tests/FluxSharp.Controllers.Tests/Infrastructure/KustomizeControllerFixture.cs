using System.Globalization;
using System.Text.Json.Nodes;
using FluxSharp.Api;
using FluxSharp.Api.Kustomize.V1;
using FluxSharp.Api.Source.V1;
using FluxSharp.Controllers.Kustomize;
using FluxSharp.Controllers.Source;
using FluxSharp.Kubernetes.Client;
using FluxSharp.Testing;
using k8s;
using k8s.Models;

namespace FluxSharp.Controllers.Tests.Infrastructure;

/// <summary>
/// The source and kustomize controllers on a local control plane (dependency requeue 1s, health polls every 200ms),
/// with helpers for Kustomizations and the GitRepository "repo" they apply from.
/// </summary>
public class KustomizeControllerFixture : ManagerFixture
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);
    private ResourceClient? _repos;
    private ResourceClient? _kss;

    public ResourceClient Kustomizations => _kss ??= new ResourceClient(Client, FluxResources.Kustomizations);

    public ResourceClient Repos => _repos ??= new ResourceClient(Client, FluxResources.GitRepositories);

    protected override (string[] Names, IControllerModule[] Modules) Controllers() =>
        (["source", "kustomize"], [new SourceControllerModule(), new KustomizeControllerModule(new KustomizationOptions { RequeueDependency = TimeSpan.FromSeconds(1), HealthPollInterval = TimeSpan.FromMilliseconds(200) })]);

    /// <summary>How many reconciles of the Kustomization the runtime has finished.</summary>
    public Task<long> ReconcileCountAsync(string ns, string name) => ReconcileCountAsync(Kustomization.KindName, ns, name);

    /// <summary>Requests a reconcile and waits until the runtime finished one more reconcile of the object (works when suspended too).</summary>
    public async Task ReconcileOnceAsync(string ns, string name)
    {
        var before = await ReconcileCountAsync(ns, name);
        await RequestReconcileAsync(Kustomizations, ns, name);
        await Eventually.WaitAsync(() => ReconcileCountAsync(ns, name), n => n > before, DefaultTimeout, $"one more reconcile of {ns}/{name}");
    }

    /// <summary>A namespace, a git repository with <paramref name="files"/> and a Ready GitRepository "repo" for it.</summary>
    public async Task<(string Ns, FluxSharp.Testing.Git.GitRepositoryBuilder Git, string Sha)> SourceAsync(IReadOnlyDictionary<string, string> files)
    {
        var ns = await NewNamespaceAsync();
        var git = await NewGitAsync();
        var sha = await git.CommitAndPushAsync("init", files);
        var repo = new GitRepository
        {
            Metadata = new V1ObjectMeta { Name = "repo", NamespaceProperty = ns },
            Spec = new GitRepositorySpec { Url = git.FileUrl, Interval = "1h", Reference = new GitRepositoryRef { Branch = "main" } },
        };
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            JsonNode.Parse(KubernetesJson.Serialize(repo)), SourceGroup.Name, SourceGroup.Version, ns, GitRepository.Plural);
        await Eventually.WaitAsync(
            () => Repos.GetAsync(ns, "repo", CancellationToken.None),
            r => (string?)r?["status"]?["artifact"]?["revision"] == $"main@sha1:{sha}",
            DefaultTimeout,
            "GitRepository ready");
        return (ns, git, sha);
    }

    /// <summary>Pushes and asks the GitRepository to fetch now; waits for its new artifact.</summary>
    public async Task<string> PushAsync(string ns, FluxSharp.Testing.Git.GitRepositoryBuilder git, IReadOnlyDictionary<string, string>? files = null, params string[] delete)
    {
        ArgumentNullException.ThrowIfNull(git);
        foreach (var d in delete)
        {
            git.DeleteFile(d);
        }

        var sha = await git.CommitAndPushAsync("change", files);
        await RequestReconcileAsync(Repos, ns, "repo");
        await Eventually.WaitAsync(
            () => Repos.GetAsync(ns, "repo", CancellationToken.None),
            r => (string?)r?["status"]?["artifact"]?["revision"] == $"main@sha1:{sha}",
            DefaultTimeout,
            "GitRepository new revision");
        return sha;
    }

    public static Kustomization NewKustomization(string ns, string name, string path = "./", bool prune = true, string sourceName = "repo") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new KustomizationSpec
        {
            SourceRef = new CrossNamespaceSourceReference { Kind = "GitRepository", Name = sourceName },
            Path = path,
            Interval = "1h",
            RetryInterval = "2s",
            Timeout = "20s",
            Prune = prune,
        },
    };

    public async Task CreateAsync(Kustomization ks)
    {
        ArgumentNullException.ThrowIfNull(ks);
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            JsonNode.Parse(KubernetesJson.Serialize(ks)), KustomizeGroup.Name, KustomizeGroup.Version, ks.Metadata.NamespaceProperty, Kustomization.Plural);
    }

    public Task DeleteAsync(string ns, string name) =>
        Client.CustomObjects.DeleteNamespacedCustomObjectAsync(KustomizeGroup.Name, KustomizeGroup.Version, ns, Kustomization.Plural, name);

    public async Task<Kustomization?> GetAsync(string ns, string name)
    {
        var json = await Kustomizations.GetAsync(ns, name, CancellationToken.None);
        return json is null ? null : KubernetesJson.Deserialize<Kustomization>(json.ToJsonString());
    }

    public Task PatchAsync(string ns, string name, string mergePatch) =>
        Kustomizations.MergePatchAsync(ns, name, (JsonObject)JsonNode.Parse(mergePatch)!, status: false, "fluxsharp-tests", CancellationToken.None);

    /// <summary>Requests a reconcile of the Kustomization and waits until it was handled.</summary>
    public async Task<Kustomization> ReconcileAsync(string ns, string name)
    {
        var at = await RequestReconcileAsync(Kustomizations, ns, name);
        return await WaitAsync(ns, name, k => k.Status?.LastHandledReconcileAt == at, "lastHandledReconcileAt " + at);
    }

    public Task<Kustomization> WaitAsync(string ns, string name, Func<Kustomization, bool> done, string what, TimeSpan? timeout = null) =>
        Eventually.WaitAsync(
            async () => (await GetAsync(ns, name))!,
            k => k is not null && done(k),
            timeout ?? DefaultTimeout,
            $"Kustomization {ns}/{name}: {what}");

    public Task<Kustomization> WaitReadyAsync(string ns, string name, string? revision = null, TimeSpan? timeout = null) =>
        WaitAsync(
            ns,
            name,
            k => Ready(k)?.Status == "True" && k.Status?.ObservedGeneration == k.Metadata.Generation && (revision is null || k.Status?.LastAppliedRevision == revision),
            $"Ready with revision {revision ?? "(any)"}",
            timeout);

    public Task<Kustomization> WaitNotReadyAsync(string ns, string name, string reason, TimeSpan? timeout = null) =>
        WaitAsync(ns, name, k => Ready(k) is { Status: "False" } c && c.Reason == reason && c.ObservedGeneration == k.Metadata.Generation, $"Ready=False reason {reason}", timeout);

    public static Condition? Ready(Kustomization ks) => ks?.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready);

    public static string Describe(Kustomization ks) => ks is null ? "(none)" : $"{Ready(ks)?.Status} {Ready(ks)?.Reason}: {Ready(ks)?.Message}";

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

    public Task<V1ConfigMap?> WaitConfigMapAsync(string ns, string name, Func<V1ConfigMap?, bool> done, string what) =>
        Eventually.WaitAsync(() => ConfigMapAsync(ns, name), done, DefaultTimeout, $"ConfigMap {ns}/{name}: {what}");

    public static string ConfigMap(string name, string data, string? ns = null, string? extraMetadata = null) => $"""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: {name}
        {(ns is null ? string.Empty : $"  namespace: {ns}\n")}{extraMetadata ?? string.Empty}data:
          {data}

        """;

    public static string Deployment(string name, string ns, int replicas = 1, string? annotations = null) => $"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {name}
          namespace: {ns}
        {annotations ?? string.Empty}spec:
          replicas: {replicas}
          selector:
            matchLabels:
              app: {name}
          template:
            metadata:
              labels:
                app: {name}
            spec:
              containers:
              - name: app
                image: nginx:1.27

        """;
}
