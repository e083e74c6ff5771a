using k8s;
using Xunit;

namespace FluxSharp.Testing;

/// <summary>
/// One local control plane per test class (use as IClassFixture), with its kubeconfig on disk and an official
/// KubernetesClient bound to it. Tests sharing it use their own namespaces (<see cref="NewNamespaceAsync"/>).
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    private FluxSharp.LocalCluster.LocalControlPlane? _plane;
    private Kubernetes? _client;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "fluxsharp-tests", Guid.NewGuid().ToString("N")[..12]);

    public FluxSharp.LocalCluster.LocalControlPlane Plane => _plane ?? throw new InvalidOperationException("the control plane is not started");

    public string KubeconfigPath => Path.Combine(Directory, "kubeconfig");

    public IKubernetes Client => _client ?? throw new InvalidOperationException("the control plane is not started");

    protected virtual FluxSharp.LocalCluster.LocalControlPlaneOptions Options => new() { BookmarkInterval = TimeSpan.FromMilliseconds(500) };

    public virtual async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        _plane = await FluxSharp.LocalCluster.LocalControlPlane.StartAsync(Options);
        await _plane.WriteKubeconfigAsync(KubeconfigPath);
        _client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(KubeconfigPath));
    }

    public virtual async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_plane is not null)
        {
            await _plane.DisposeAsync();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp dir left behind is harmless.
        }
    }

    /// <summary>A raw HttpClient for the API, authenticated with the admin token as the kubeconfig is.</summary>
    public HttpClient NewHttpClient() => Plane.CreateHttpClient();

    /// <summary>Creates a fresh namespace for one test.</summary>
    public async Task<string> NewNamespaceAsync(string prefix = "t")
    {
        var name = $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
        await Client.CoreV1.CreateNamespaceAsync(new k8s.Models.V1Namespace { Metadata = new k8s.Models.V1ObjectMeta { Name = name } });
        return name;
    }
}
