using System.Text;
using FluxSharp.Api.Kustomize.V1;
using FluxSharp.Kubernetes.Client;
using k8s;

namespace FluxSharp.Controllers.Kustomize;

/// <summary>postBuild.substituteFrom: the variables of each referenced ConfigMap or Secret, in order.</summary>
public sealed class SubstitutionSources(IKubernetes kube)
{
    public async Task<List<IReadOnlyDictionary<string, string>>> ReadAsync(Kustomization ks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ks);
        var ns = ks.Metadata.NamespaceProperty;
        var result = new List<IReadOnlyDictionary<string, string>>();
        foreach (var reference in ks.Spec.PostBuild?.SubstituteFrom ?? [])
        {
            try
            {
                result.Add(reference.Kind switch
                {
                    "ConfigMap" => (await KubeApiException.CallAsync(() => kube.CoreV1.ReadNamespacedConfigMapAsync(reference.Name, ns, cancellationToken: cancellationToken))).Data?.ToDictionary() ?? [],
                    "Secret" => (await KubeApiException.CallAsync(() => kube.CoreV1.ReadNamespacedSecretAsync(reference.Name, ns, cancellationToken: cancellationToken))).Data?.ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetString(kv.Value)) ?? [],
                    _ => throw new InvalidOperationException($"spec.postBuild.substituteFrom: kind \"{reference.Kind}\" must be ConfigMap or Secret"),
                });
            }
            catch (KubeApiException e) when (e.IsNotFound)
            {
                if (reference.Optional != true)
                {
                    throw new InvalidOperationException($"substitute from '{reference.Kind}/{ns}/{reference.Name}' failed: {reference.Kind.ToLowerInvariant()}s \"{reference.Name}\" not found");
                }
            }
        }

        return result;
    }
}
