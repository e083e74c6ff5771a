using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using FluxSharp.Api;
using FluxSharp.Api.Notification.V1;
using FluxSharp.Api.Source.V1;
using FluxSharp.Controllers.Kustomize;
using FluxSharp.Controllers.Notification.Receivers;
using FluxSharp.Controllers.Source;
using FluxSharp.Kubernetes.Client;
using FluxSharp.Testing;
using k8s;
using k8s.Models;

namespace FluxSharp.Controllers.Tests.Infrastructure;

/// <summary>
/// The source, kustomize and receiver controllers on a local control plane with the receiver server on
/// 127.0.0.1; helpers to create token Secrets, Receivers and GitRepositories and to call webhooks.
/// </summary>
public sealed class ReceiverFixture : ManagerFixture
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public ResourceClient Receivers => new(Client, FluxResources.Receivers);

    public ResourceClient Repos => new(Client, FluxResources.GitRepositories);

    public Uri ReceiverUrl => Manager.ReceiverUrl ?? throw new InvalidOperationException("no receiver server");

    protected override string? ReceiverAddress => "127.0.0.1:0";

    protected override (string[] Names, IControllerModule[] Modules) Controllers() =>
        (["source", "kustomize", "notification"], [new SourceControllerModule(), new KustomizeControllerModule(), new ReceiverControllerModule()]);

    public async Task SecretAsync(string ns, string name, IReadOnlyDictionary<string, string> data)
    {
        await KubeApiException.CallAsync(() => Client.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns }, StringData = data.ToDictionary() },
            ns));
    }

    public async Task CreateAsync(Receiver receiver)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            JsonNode.Parse(KubernetesJson.Serialize(receiver)), Receiver.GroupName, Receiver.Version, receiver.Metadata.NamespaceProperty, Receiver.Plural);
    }

    public async Task<Receiver?> GetAsync(string ns, string name)
    {
        var json = await Receivers.GetAsync(ns, name, CancellationToken.None);
        return json is null ? null : KubernetesJson.Deserialize<Receiver>(json.ToJsonString());
    }

    public Task PatchAsync(string ns, string name, string mergePatch) =>
        Receivers.MergePatchAsync(ns, name, (JsonObject)JsonNode.Parse(mergePatch)!, status: false, "fluxsharp-tests", CancellationToken.None);

    public Task<Receiver> WaitAsync(string ns, string name, Func<Receiver, bool> done, string what) =>
        Eventually.WaitAsync(async () => (await GetAsync(ns, name))!, r => r is not null && done(r), DefaultTimeout, $"Receiver {ns}/{name}: {what}");

    public Task<Receiver> WaitReadyAsync(string ns, string name) =>
        WaitAsync(ns, name, r => Ready(r)?.Status == "True" && r.Status?.ObservedGeneration == r.Metadata.Generation, "Ready");

    public static Condition? Ready(Receiver r) => r?.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready);

    /// <summary>A token Secret "token-&lt;name&gt;" and a Receiver of <paramref name="type"/> notifying <paramref name="resources"/>, waited Ready.</summary>
    public async Task<Receiver> ReadyReceiverAsync(string ns, string name, string type, string token, IList<ReceiverResource> resources, IList<string>? events = null, string? resourceFilter = null, IReadOnlyDictionary<string, string>? extraSecretData = null)
    {
        var data = new Dictionary<string, string> { ["token"] = token };
        foreach (var (k, v) in extraSecretData ?? new Dictionary<string, string>())
        {
            data[k] = v;
        }

        await SecretAsync(ns, "token-" + name, data);
        await CreateAsync(new Receiver
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            Spec = new ReceiverSpec
            {
                Type = type,
                Events = events,
                Resources = resources,
                ResourceFilter = resourceFilter,
                SecretRef = new LocalObjectReference { Name = "token-" + name },
            },
        });
        return await WaitReadyAsync(ns, name);
    }

    /// <summary>A GitRepository "name" (interval 24h) pointing at a file:// URL that need not exist; not waited on.</summary>
    public async Task RepositoryAsync(string ns, string name, string url, IDictionary<string, string>? labels = null, string interval = "24h")
    {
        var repo = new GitRepository
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels },
            Spec = new GitRepositorySpec { Url = url, Interval = interval, Reference = new GitRepositoryRef { Branch = "main" } },
        };
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            JsonNode.Parse(KubernetesJson.Serialize(repo)), SourceGroup.Name, SourceGroup.Version, ns, GitRepository.Plural);
    }

    /// <summary>The object's reconcile.fluxcd.io/requestedAt, null when never asked.</summary>
    public async Task<string?> RequestedAtAsync(ResourceClient client, string ns, string name) =>
        (string?)(await client.GetAsync(ns, name, CancellationToken.None))?["metadata"]?["annotations"]?[FluxAnnotations.ReconcileRequestedAt];

    /// <summary>POSTs <paramref name="body"/> to the receiver server at <paramref name="path"/> with the headers; returns the status code.</summary>
    public async Task<int> CallAsync(string path, string body, IReadOnlyDictionary<string, string>? headers = null, string contentType = "application/json", HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Post, new Uri(ReceiverUrl, path))
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        foreach (var (k, v) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(k, v);
        }

        using var response = await Http.SendAsync(request);
        return (int)response.StatusCode;
    }

    public static string Sign(string body, string token) => HubSignature.Sha256(Encoding.UTF8.GetBytes(body), Encoding.UTF8.GetBytes(token));
}
