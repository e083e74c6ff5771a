using FluxSharp.Kubernetes.Client;

namespace FluxSharp.Kubernetes.Apply;

/// <summary>Flux's reconcile order of kinds: definitions and classes first, webhooks last; then group, kind, namespace, name.</summary>
public static class KindOrder
{
    private static readonly string[] First =
    [
        "CustomResourceDefinition", "Namespace", "ClusterClass", "RuntimeClass", "PriorityClass", "StorageClass",
        "VolumeSnapshotClass", "IngressClass", "GatewayClass", "ResourceQuota", "ServiceAccount", "Role", "ClusterRole",
        "RoleBinding", "ClusterRoleBinding", "ConfigMap", "Secret", "Service", "LimitRange", "Deployment", "StatefulSet",
        "CronJob", "PodDisruptionBudget",
    ];

    private static readonly string[] Last = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"];

    public static int Index(string kind)
    {
        var i = Array.IndexOf(First, kind);
        if (i >= 0)
        {
            return i - First.Length;
        }

        var j = Array.IndexOf(Last, kind);
        return j >= 0 ? j + 1 : 0;
    }

    public static int Compare(ObjectRef? a, ObjectRef? b)
    {
        if (ReferenceEquals(a, b))
        {
            return 0;
        }

        if (a is null || b is null)
        {
            return a is null ? -1 : 1;
        }

        var byKind = Index(a.Kind).CompareTo(Index(b.Kind));
        if (byKind != 0)
        {
            return byKind;
        }

        var c = string.CompareOrdinal(a.Group, b.Group);
        c = c != 0 ? c : string.CompareOrdinal(a.Kind, b.Kind);
        c = c != 0 ? c : string.CompareOrdinal(a.Namespace, b.Namespace);
        return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
    }
}
