using System.Text;
using FluxSharp.Api;
using FluxSharp.Controllers.Tests.Infrastructure;
using FluxSharp.LocalCluster;
using k8s;
using k8s.Models;
using static FluxSharp.Controllers.Tests.Infrastructure.KustomizeControllerFixture;

namespace FluxSharp.Controllers.Tests;

/// <summary>spec.kubeConfig: a Kustomization applies to another cluster (a second local control plane) from a kubeconfig Secret.</summary>
public sealed class KustomizationRemoteClusterTests : IClassFixture<KustomizeControllerFixture>, IAsyncLifetime
{
    private readonly KustomizeControllerFixture _f;
    private LocalControlPlane? _remote;
    private k8s.Kubernetes? _remoteClient;

    public KustomizationRemoteClusterTests(KustomizeControllerFixture f) => _f = f;

    public async Task InitializeAsync()
    {
        _remote = await LocalControlPlane.StartAsync(new LocalControlPlaneOptions());
        var path = Path.Combine(Path.GetTempPath(), "fluxsharp-remote-" + Guid.NewGuid().ToString("N")[..8]);
        await _remote.WriteKubeconfigAsync(path);
        _remoteClient = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(path));
        File.Delete(path);
    }

    public async Task DisposeAsync()
    {
        _remoteClient?.Dispose();
        if (_remote is not null)
        {
            await _remote.DisposeAsync();
        }
    }

    [Fact]
    public async Task KubeConfigSecretAppliesToTheOtherClusterAndNotThisOne()
    {
        var (ns, _, sha) = await _f.SourceAsync(new Dictionary<string, string> { ["app/cm.yaml"] = ConfigMap("remote-cm", "k: v", "default") });
        await _f.Client.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret { Metadata = new V1ObjectMeta { Name = "remote-kubeconfig" }, Data = new Dictionary<string, byte[]> { ["value"] = Encoding.UTF8.GetBytes(_remote!.Kubeconfig) } },
            ns);
        var ks = NewKustomization(ns, "remote", "./app");
        await _f.CreateAsync(ks with { Spec = ks.Spec with { KubeConfig = new KubeConfigReference { SecretRef = new SecretKeyReference { Name = "remote-kubeconfig" } } } });

        await _f.WaitReadyAsync(ns, "remote", $"main@sha1:{sha}");
        var applied = await _remoteClient!.CoreV1.ReadNamespacedConfigMapAsync("remote-cm", "default");
        Assert.Equal("v", applied.Data["k"]);
        Assert.Equal("remote", applied.Metadata.Labels["kustomize.toolkit.fluxcd.io/name"]);
        Assert.Null(await _f.ConfigMapAsync("default", "remote-cm"));
    }

    [Fact]
    public async Task AMissingKubeConfigSecretIsNamedInTheCondition()
    {
        var (ns, _, _) = await _f.SourceAsync(new Dictionary<string, string> { ["app/cm.yaml"] = ConfigMap("x", "k: v", "default") });
        var ks = NewKustomization(ns, "nokubeconfig", "./app");
        await _f.CreateAsync(ks with { Spec = ks.Spec with { KubeConfig = new KubeConfigReference { SecretRef = new SecretKeyReference { Name = "absent" } } } });
        var failed = await _f.WaitAsync(ns, "nokubeconfig", k => Ready(k)?.Status == "False", "failed on the missing secret");
        Assert.Contains($"secret '{ns}/absent' not found", Ready(failed)!.Message, StringComparison.Ordinal);
    }
}

/// <summary>Fields FluxSharp does not support yet say so instead of being ignored.</summary>
public sealed class KustomizationUnsupportedFieldTests(KustomizeControllerFixture f) : IClassFixture<KustomizeControllerFixture>
{
    [Fact]
    public async Task DecryptionStallsWithANotSupportedMessageAndAppliesNothing()
    {
        var (ns, _, _) = await f.SourceAsync(new Dictionary<string, string> { ["app/cm.yaml"] = ConfigMap("secret-ish", "k: v") });
        var ks = NewKustomization(ns, "sops", "./app");
        await f.CreateAsync(ks with { Spec = ks.Spec with { TargetNamespace = ns, Decryption = new FluxSharp.Api.Kustomize.V1.Decryption { Provider = "sops" } } });
        var stalled = await f.WaitAsync(ns, "sops", k => k.Status?.Conditions?.Any(c => c.Type == ConditionTypes.Stalled && c.Status == "True") == true, "stalled");
        Assert.Equal("UnsupportedField", Ready(stalled)!.Reason);
        Assert.Contains("spec.decryption (SOPS) is not supported by FluxSharp yet", Ready(stalled)!.Message, StringComparison.Ordinal);
        Assert.Null(await f.ConfigMapAsync(ns, "secret-ish"));
    }
}
