using FluxSharp.Api;
using k8s;
using k8s.Models;

namespace FluxSharp.Kubernetes.Client;

/// <summary>Installs FluxSharp's generated CRDs with server-side apply, so running it again changes nothing.</summary>
public static class CrdInstaller
{
    public static async Task ApplyAsync(IKubernetes kube, string fieldManager, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(kube);
        foreach (var crd in FluxApi.Crds())
        {
            var name = (string)crd["metadata"]!["name"]!;
            var patch = new V1Patch(crd.ToJsonString(), V1Patch.PatchType.ApplyPatch);
            await kube.ApiextensionsV1.PatchCustomResourceDefinitionAsync(patch, name, fieldManager: fieldManager, force: true, cancellationToken: cancellationToken);
        }
    }
}
