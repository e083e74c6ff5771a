using System.Net;
using System.Text;
using FluxSharp.Api.Kustomize.V1;
using k8s;
using k8s.Autorest;

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
                    "ConfigMap" => (await kube.CoreV1.ReadNamespacedConfigMapAsync(reference.Name, ns, cancellationToken: cancellationToken)).Data?.ToDictionary() ?? [],
                    "Secret" => (await kube.CoreV1.ReadNamespacedSecretAsync(reference.Name, ns, cancellationToken: cancellationToken)).Data?.ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetString(kv.Value)) ?? [],
                    _ => throw new InvalidOperationException($"spec.postBuild.substituteFrom: kind \"{reference.Kind}\" must be ConfigMap or Secret"),
                });
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
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
