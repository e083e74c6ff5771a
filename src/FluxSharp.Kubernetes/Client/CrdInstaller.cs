using System.Text.Json.Nodes;
using FluxSharp.Api;
using k8s;

namespace FluxSharp.Kubernetes.Client;

/// <summary>Installs CustomResourceDefinitions with server-side apply, so running it again changes nothing.</summary>
public static class CrdInstaller
{
    private static readonly ApiResource Crds = new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", Namespaced: false);

    public static async Task ApplyAsync(IKubernetes kube, IEnumerable<JsonObject> crds, string fieldManager, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(crds);
        var client = new KubeClient(kube);
        foreach (var crd in crds)
        {
            var name = (string?)crd["metadata"]?["name"] ?? throw new ArgumentException("a CRD without metadata.name", nameof(crds));
            await client.ApplyAsync(Crds, null, name, crd, fieldManager, force: true, cancellationToken);
        }
    }
}
