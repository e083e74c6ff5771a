using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FluxSharp.Api;
using FluxSharp.Api.Source.V1;
using FluxSharp.Controllers.Source;
using FluxSharp.Kubernetes.Client;
using FluxSharp.Testing;
using k8s;
using k8s.Models;

namespace FluxSharp.Controllers.Tests.Infrastructure;

/// <summary>
/// Only the source controller on a local control plane, with helpers for GitRepositories and their artifacts.
/// </summary>
public class SourceControllerFixture : ManagerFixture
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(45);
    private ResourceClient? _repos;

    private ResourceClient Repos => _repos ??= new ResourceClient(Client, FluxResources.GitRepositories);

    protected override (string[] Names, IControllerModule[] Modules) Controllers() => (["source"], [new SourceControllerModule()]);

    public static GitRepository NewRepository(string ns, string name, string url, GitRepositoryRef? reference = null, string interval = "1h", string? secret = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new GitRepositorySpec
        {
            Url = url,
            Interval = interval,
            Reference = reference ?? new GitRepositoryRef { Branch = "main" },
            SecretRef = secret is null ? null : new LocalObjectReference { Name = secret },
        },
    };

    public async Task CreateAsync(GitRepository repo)
    {
        ArgumentNullException.ThrowIfNull(repo);
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            JsonNode.Parse(KubernetesJson.Serialize(repo)), SourceGroup.Name, SourceGroup.Version, repo.Metadata.NamespaceProperty, GitRepository.Plural);
    }

    public Task DeleteAsync(string ns, string name) =>
        Client.CustomObjects.DeleteNamespacedCustomObjectAsync(SourceGroup.Name, SourceGroup.Version, ns, GitRepository.Plural, name);

    public async Task<GitRepository?> GetAsync(string ns, string name)
    {
        var json = await Repos.GetAsync(ns, name, CancellationToken.None);
        return json is null ? null : KubernetesJson.Deserialize<GitRepository>(json.ToJsonString());
    }

    public async Task<GitRepository> GetRequiredAsync(string ns, string name) =>
        await GetAsync(ns, name) ?? throw new InvalidOperationException($"GitRepository {ns}/{name} not found");

    public Task PatchAsync(string ns, string name, string mergePatch) =>
        Repos.MergePatchAsync(ns, name, (JsonObject)JsonNode.Parse(mergePatch)!, status: false, "fluxsharp-tests", CancellationToken.None);

    /// <summary>Sets reconcile.fluxcd.io/requestedAt to a fresh value and returns it.</summary>
    public Task<string> RequestReconcileAsync(string ns, string name) => RequestReconcileAsync(Repos, ns, name);

    /// <summary>Waits until the object satisfies <paramref name="done"/>.</summary>
    public Task<GitRepository> WaitAsync(string ns, string name, Func<GitRepository, bool> done, string what, TimeSpan? timeout = null) =>
        Eventually.WaitAsync(
            async () => (await GetAsync(ns, name))!,
            r => r is not null && done(r),
            timeout ?? DefaultTimeout,
            $"GitRepository {ns}/{name}: {what}");

    public Task<GitRepository> WaitReadyAsync(string ns, string name, string? revision = null, TimeSpan? timeout = null) =>
        WaitAsync(ns, name, r => Ready(r)?.Status == "True" && (revision is null || r.Status?.Artifact?.Revision == revision), $"Ready with revision {revision ?? "(any)"}", timeout);

    public Task<GitRepository> WaitNotReadyAsync(string ns, string name, string reason, TimeSpan? timeout = null) =>
        WaitAsync(ns, name, r => Ready(r) is { Status: "False" } c && c.Reason == reason && c.ObservedGeneration == r.Metadata.Generation, $"Ready=False reason {reason}", timeout);

    public static Condition? Ready(GitRepository repo) => Condition(repo, ConditionTypes.Ready);

    public static Condition? Condition(GitRepository repo, string type) => repo.Status?.Conditions?.FirstOrDefault(c => c.Type == type);

    public async Task<IReadOnlyList<Corev1Event>> EventsAsync(string ns, string name)
    {
        var list = await Client.CoreV1.ListNamespacedEventAsync(ns);
        return list.Items.Where(e => e.InvolvedObject?.Name == name && e.InvolvedObject.Kind == GitRepository.KindName).ToList();
    }

    public Task<Corev1Event> WaitEventAsync(string ns, string name, string type, string reason) =>
        Eventually.WaitAsync(
            async () => (await EventsAsync(ns, name)).FirstOrDefault(e => e.Type == type && e.Reason == reason)!,
            e => e is not null,
            DefaultTimeout,
            $"{type} event {reason} for {ns}/{name}");

    public async Task CreateSecretAsync(string ns, string name, IReadOnlyDictionary<string, byte[]> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        await Client.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns }, Data = data.ToDictionary(kv => kv.Key, kv => kv.Value) }, ns);
    }

    /// <summary>Downloads an artifact: its bytes, their sha256 digest and the entry names of the tarball.</summary>
    public async Task<(byte[] Bytes, string Digest, IReadOnlyList<string> Entries)> DownloadAsync(string url)
    {
        var bytes = await Http.GetByteArrayAsync(new Uri(url));
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
        var entries = new List<string>();
        await using var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        await using var reader = new TarReader(gz);
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            entries.Add(EntryName(entry.Name));
        }

        return (bytes, digest, entries);
    }

    /// <summary>Reads one file's text out of an artifact tarball.</summary>
    public static async Task<string?> ReadEntryAsync(byte[] tarGz, string path)
    {
        await using var gz = new GZipStream(new MemoryStream(tarGz), CompressionMode.Decompress);
        await using var reader = new TarReader(gz);
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            if (EntryName(entry.Name) == path && entry.DataStream is { } data)
            {
                using var sr = new StreamReader(data, Encoding.UTF8);
                return await sr.ReadToEndAsync();
            }
        }

        return null;
    }

    private static string EntryName(string name) => name.StartsWith("./", StringComparison.Ordinal) ? name[2..] : name;

    /// <summary>How many reconciles of the GitRepository the runtime has finished.</summary>
    public Task<long> ReconcileCountAsync(string ns, string name) => ReconcileCountAsync(GitRepository.KindName, ns, name);

    /// <summary>Requests a reconcile and waits until the runtime finished one more reconcile of the object (works when suspended too).</summary>
    public async Task<string> ReconcileOnceAsync(string ns, string name)
    {
        var before = await ReconcileCountAsync(ns, name);
        var at = await RequestReconcileAsync(ns, name);
        await Eventually.WaitAsync(() => ReconcileCountAsync(ns, name), n => n > before, DefaultTimeout, $"one more reconcile of {ns}/{name}");
        return at;
    }

    public string ArtifactDirectory(string ns, string name) => Path.Combine(StoragePath, GitRepositoryReconciler.StorageKind, ns, name);
}
