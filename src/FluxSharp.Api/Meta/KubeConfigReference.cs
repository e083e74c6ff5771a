using System.Text.Json.Serialization;
using FluxSharp.Api.Schema;

namespace FluxSharp.Api;

/// <summary>KubeConfigReference points to the kubeconfig (Secret) or cloud cluster description (ConfigMap) of a remote cluster.</summary>
[Validation("has(self.configMapRef) || has(self.secretRef)", "exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef must be specified")]
[Validation("!has(self.configMapRef) || !has(self.secretRef)", "exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef must be specified")]
public sealed record KubeConfigReference
{
    /// <summary>
    /// ConfigMapRef names a ConfigMap with the keys provider (aws, azure, gcp or generic), cluster, address,
    /// ca.crt, audiences and serviceAccountName describing the remote cluster. Mutually exclusive with SecretRef.
    /// </summary>
    [JsonPropertyName("configMapRef")]
    public LocalObjectReference? ConfigMapRef { get; init; }

    /// <summary>
    /// SecretRef names a Secret holding a self-contained kubeconfig under a key (default 'value').
    /// Mutually exclusive with ConfigMapRef. Supported only for the generic provider.
    /// </summary>
    [JsonPropertyName("secretRef")]
    public SecretKeyReference? SecretRef { get; init; }
}
