namespace FluxSharp.LocalCluster.Tests.Infrastructure;

/// <summary>
/// One local control plane per test class (IClassFixture), with a kubeconfig on disk and a kubectl bound to it.
/// Tests in a class share it, so each test uses its own namespace or names.
/// </summary>
public class LocalControlPlaneFixture : IAsyncLifetime
{
    private LocalControlPlane? _plane;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "fluxsharp-tests", Guid.NewGuid().ToString("N")[..12]);

    public LocalControlPlane Plane => _plane ?? throw new InvalidOperationException("the control plane is not started");

    public string KubeconfigPath => Path.Combine(Directory, "kubeconfig");

    public Kubectl Kubectl { get; private set; } = null!;

    protected virtual LocalControlPlaneOptions Options => new() { BookmarkInterval = TimeSpan.FromMilliseconds(500) };

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        _plane = await LocalControlPlane.StartAsync(Options).ConfigureAwait(false);
        await _plane.WriteKubeconfigAsync(KubeconfigPath).ConfigureAwait(false);
        Kubectl = new Kubectl(KubeconfigPath, Path.Combine(Directory, "kube-cache"));
    }

    public async Task DisposeAsync()
    {
        if (_plane is not null)
        {
            await _plane.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp dir left behind is harmless.
        }
    }

    /// <summary>A fresh namespace for one test.</summary>
    public async Task<string> NewNamespaceAsync(string prefix = "t")
    {
        var name = $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
        (await Kubectl.RunAsync(["apply", "-f", "-"], $"{{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{{\"name\":\"{name}\"}}}}").ConfigureAwait(false)).EnsureSuccess();
        return name;
    }
}
