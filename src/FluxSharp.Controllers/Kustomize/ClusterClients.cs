using FluxSharp.Api.Kustomize.V1;
using FluxSharp.Kubernetes.Client;
using k8s;

namespace FluxSharp.Controllers.Kustomize;

/// <summary>
/// The client a Kustomization applies with: the manager's own, one impersonating spec.serviceAccountName
/// (so a tenant can only touch what its RBAC allows), or one for another cluster from spec.kubeConfig.
/// </summary>
public sealed class ClusterClients(IKubernetes kube, KubernetesClientConfiguration? managerConfig)
{
    /// <summary>The caller disposes the returned client when it is not the manager's own.</summary>
    public async Task<(IKubernetes Client, bool Owned)> ForAsync(Kustomization ks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ks);
        if (ks.Spec.KubeConfig?.SecretRef is { } secretRef)
        {
            var config = await KubeconfigFromSecretAsync(ks.Metadata.NamespaceProperty, secretRef.Name, secretRef.Key, cancellationToken);
            return (WithImpersonation(config, ks), true);
        }

        if (ks.Spec.KubeConfig?.ConfigMapRef is not null)
        {
            throw new NotSupportedException("spec.kubeConfig.configMapRef (workload identity for remote clusters) is not supported by FluxSharp yet; use spec.kubeConfig.secretRef");
        }

        if (!string.IsNullOrEmpty(ks.Spec.ServiceAccountName))
        {
            if (managerConfig is null)
            {
                throw new NotSupportedException("spec.serviceAccountName needs the manager's client configuration to impersonate");
            }

            return (WithImpersonation(managerConfig, ks), true);
        }

        return (kube, false);
    }

    public static string ServiceAccountUser(string ns, string name) => $"system:serviceaccount:{ns}:{name}";

    private static k8s.Kubernetes WithImpersonation(KubernetesClientConfiguration config, Kustomization ks) =>
        string.IsNullOrEmpty(ks.Spec.ServiceAccountName)
            ? new k8s.Kubernetes(config)
            : new k8s.Kubernetes(config, new ImpersonationHandler(ServiceAccountUser(ks.Metadata.NamespaceProperty, ks.Spec.ServiceAccountName)));

    private async Task<KubernetesClientConfiguration> KubeconfigFromSecretAsync(string ns, string name, string? key, CancellationToken cancellationToken)
    {
        k8s.Models.V1Secret secret;
        try
        {
            secret = await KubeApiException.CallAsync(() => kube.CoreV1.ReadNamespacedSecretAsync(name, ns, cancellationToken: cancellationToken));
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            throw new InvalidOperationException($"spec.kubeConfig.secretRef: secret '{ns}/{name}' not found");
        }

        // Flux reads "value", then "value.yaml", unless a key is named.
        var keys = key is { Length: > 0 } ? [key] : new[] { "value", "value.yaml" };
        var data = keys.Select(k => secret.Data?.TryGetValue(k, out var v) == true ? v : null).FirstOrDefault(v => v is not null)
            ?? throw new InvalidOperationException($"spec.kubeConfig.secretRef: secret '{ns}/{name}' has no key {string.Join(" or ", keys.Select(k => $"'{k}'"))}");
        await using var stream = new MemoryStream(data);
        return await KubernetesClientConfiguration.BuildConfigFromConfigFileAsync(stream);
    }

    /// <summary>Adds Impersonate-User to every request.</summary>
    private sealed class ImpersonationHandler(string user) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Remove("Impersonate-User");
            request.Headers.Add("Impersonate-User", user);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
