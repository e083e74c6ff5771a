namespace FluxSharp.LocalCluster.Resources;

/// <summary>The built-in kinds the local control plane serves: what a GitOps tool meets in users' manifests.</summary>
internal static class BuiltinResources
{
    public static IReadOnlyList<ResourceInfo> All { get; } = Build();

    private static List<ResourceInfo> Build()
    {
        var list = new List<ResourceInfo>();

        void Add(string group, string version, string kind, string plural, bool namespaced, string[]? shortNames = null, bool status = false, bool scale = false, string[]? categories = null, string[]? verbs = null, bool deletedObject = false)
        {
            list.Add(new ResourceInfo
            {
                Group = group,
                Version = version,
                Kind = kind,
                Plural = plural,
                Singular = kind.ToLowerInvariant(),
                Namespaced = namespaced,
                ShortNames = shortNames ?? [],
                Categories = categories ?? [],
                HasStatus = status,
                Scale = scale ? new ScaleSubresource(".spec.replicas", ".status.replicas", ".status.selector") : null,
                ReturnsDeletedObject = deletedObject,
                Verbs = verbs ?? ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
                Schema = Api.Seams.BuiltinSchema(group, version, kind),
            });
        }

        string[] all = ["all"];
        // deletedObject: the kinds whose delete answers with the object, as their typed clients expect (DeleteNamespacedPod returns a V1Pod).
        Add("", "v1", "Namespace", "namespaces", false, ["ns"], status: true, verbs: ["create", "delete", "get", "list", "patch", "update", "watch"]);
        Add("", "v1", "ConfigMap", "configmaps", true, ["cm"]);
        Add("", "v1", "Secret", "secrets", true);
        Add("", "v1", "ServiceAccount", "serviceaccounts", true, ["sa"], deletedObject: true);
        Add("", "v1", "Service", "services", true, ["svc"], status: true, categories: all, deletedObject: true);
        Add("", "v1", "Endpoints", "endpoints", true, ["ep"]);
        Add("", "v1", "Pod", "pods", true, ["po"], status: true, categories: all, deletedObject: true);
        Add("", "v1", "PodTemplate", "podtemplates", true, deletedObject: true);
        Add("", "v1", "ReplicationController", "replicationcontrollers", true, ["rc"], status: true, scale: true, categories: all);
        Add("", "v1", "Event", "events", true, ["ev"]);
        Add("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, ["pvc"], status: true, deletedObject: true);
        Add("", "v1", "PersistentVolume", "persistentvolumes", false, ["pv"], status: true, deletedObject: true);
        Add("", "v1", "Node", "nodes", false, ["no"], status: true);
        Add("", "v1", "LimitRange", "limitranges", true, ["limits"]);
        Add("", "v1", "ResourceQuota", "resourcequotas", true, ["quota"], status: true, deletedObject: true);
        Add("apps", "v1", "Deployment", "deployments", true, ["deploy"], status: true, scale: true, categories: all);
        Add("apps", "v1", "ReplicaSet", "replicasets", true, ["rs"], status: true, scale: true, categories: all);
        Add("apps", "v1", "StatefulSet", "statefulsets", true, ["sts"], status: true, scale: true, categories: all);
        Add("apps", "v1", "DaemonSet", "daemonsets", true, ["ds"], status: true, categories: all);
        Add("apps", "v1", "ControllerRevision", "controllerrevisions", true);
        Add("batch", "v1", "Job", "jobs", true, status: true, categories: all);
        Add("batch", "v1", "CronJob", "cronjobs", true, ["cj"], status: true, categories: all);
        Add("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, ["hpa"], status: true, categories: all);
        Add("autoscaling", "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, ["hpa"], status: true, categories: all);
        Add("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, ["pdb"], status: true);
        Add("networking.k8s.io", "v1", "Ingress", "ingresses", true, ["ing"], status: true);
        Add("networking.k8s.io", "v1", "IngressClass", "ingressclasses", false);
        Add("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true, ["netpol"]);
        Add("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true);
        Add("rbac.authorization.k8s.io", "v1", "Role", "roles", true);
        Add("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false);
        Add("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true);
        Add("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false);
        Add("events.k8s.io", "v1", "Event", "events", true, ["ev"]);
        list[^1] = list[^1] with { SharedStorageKey = "/events", StorageVersion = false };
        Add("coordination.k8s.io", "v1", "Lease", "leases", true);
        Add("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false, ["crd", "crds"], status: true);
        Add("storage.k8s.io", "v1", "StorageClass", "storageclasses", false, ["sc"], deletedObject: true);
        Add("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", false, ["pc"]);
        Add("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations", false);
        Add("admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations", false);
        Add("apiregistration.k8s.io", "v1", "APIService", "apiservices", false, status: true);

        // Reviews are answered, never stored (kubectl auth can-i / whoami).
        string[] createOnly = ["create"];
        Add("authorization.k8s.io", "v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews", false, verbs: createOnly);
        Add("authorization.k8s.io", "v1", "SubjectAccessReview", "subjectaccessreviews", false, verbs: createOnly);
        Add("authorization.k8s.io", "v1", "LocalSubjectAccessReview", "localsubjectaccessreviews", true, verbs: createOnly);
        Add("authentication.k8s.io", "v1", "SelfSubjectReview", "selfsubjectreviews", false, verbs: createOnly);
        return list;
    }
}
