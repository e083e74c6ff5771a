using FluxSharp.Testing;

namespace FluxSharp.LocalCluster.Tests.Infrastructure;

/// <summary>
/// The shared cluster fixture (one local control plane per test class) plus a real kubectl bound to its
/// kubeconfig with its own discovery cache.
/// </summary>
public class LocalControlPlaneFixture : ClusterFixture
{
    public Kubectl Kubectl { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Kubectl = new Kubectl(KubeconfigPath, Path.Combine(Directory, "kube-cache"));
    }
}
