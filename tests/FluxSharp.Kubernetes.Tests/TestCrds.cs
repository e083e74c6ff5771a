using FluxSharp.Api;
using k8s;
using k8s.Models;

namespace FluxSharp.Kubernetes.Tests;

/// <summary>CRDs of made-up kinds for runtime tests: a namespaced kind with a status subresource and no schema to speak of.</summary>
internal static class TestCrds
{
    private const string Template = """
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"PLURAL.GROUP"},
         "spec":{"group":"GROUP","scope":"Namespaced","names":{"plural":"PLURAL","singular":"SINGULAR","kind":"KIND","listKind":"KINDList"},
         "versions":[{"name":"VERSION","served":true,"storage":true,"subresources":{"status":{}},
           "schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object","x-kubernetes-preserve-unknown-fields":true},"status":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}}}]}}
        """;

    public static Task InstallAsync(IKubernetes client, ApiResource resource)
    {
        var json = Template
            .Replace("PLURAL", resource.Plural, StringComparison.Ordinal)
            .Replace("SINGULAR", resource.Kind.ToLowerInvariant(), StringComparison.Ordinal)
            .Replace("GROUP", resource.Group, StringComparison.Ordinal)
            .Replace("VERSION", resource.Version, StringComparison.Ordinal)
            .Replace("KIND", resource.Kind, StringComparison.Ordinal);
        return client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(KubernetesJson.Deserialize<V1CustomResourceDefinition>(json));
    }
}
