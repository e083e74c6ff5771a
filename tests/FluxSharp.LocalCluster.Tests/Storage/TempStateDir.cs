using System.Text;
using k8s;

namespace FluxSharp.LocalCluster.Tests.Storage;

/// <summary>A state dir path under the temp dir (not created: the control plane creates it), removed afterwards.</summary>
internal sealed class TempStateDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fluxsharp-tests", "store-" + Guid.NewGuid().ToString("N")[..10]);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public Task<LocalControlPlane> StartAsync(int watchHistorySize = 20000) =>
        LocalControlPlane.StartAsync(new LocalControlPlaneOptions { StateDir = Path, SimulateWorkloads = false, WatchHistorySize = watchHistorySize });

    public static Kubernetes ClientFor(LocalControlPlane plane)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(plane.Kubeconfig));
        return new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(stream));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A temp dir left behind is harmless.
        }
    }
}
