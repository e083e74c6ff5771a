using System.Text.Json.Serialization;
using FluxSharp.Api.Schema;

namespace FluxSharp.Api.Kustomize.V1;

/// <summary>KustomizationSpec defines the configuration to calculate the desired state from a Source using Kustomize.</summary>
public sealed record KustomizationSpec
{
    /// <summary>Reference of the source where the kustomization file is.</summary>
    [JsonPropertyName("sourceRef")]
    [Required]
    public CrossNamespaceSourceReference SourceRef { get; init; } = new();

    /// <summary>
    /// Path to the directory containing the kustomization.yaml file, or the set of plain YAMLs a
    /// kustomization.yaml should be generated for. Defaults to the root path of the SourceRef.
    /// </summary>
    [JsonPropertyName("path")]
    public string? Path { get; init; }

    /// <summary>
    /// The interval at which to reconcile the Kustomization. This interval is approximate and may be
    /// subject to jitter to ensure efficient use of resources.
    /// </summary>
    [JsonPropertyName("interval")]
    [Required]
    [Pattern(FluxPatterns.Duration)]
    public string Interval { get; init; } = "";

    /// <summary>
    /// The interval at which to retry a previously failed reconciliation. When not specified, the
    /// controller uses the Interval value to retry failures.
    /// </summary>
    [JsonPropertyName("retryInterval")]
    [Pattern(FluxPatterns.Duration)]
    public string? RetryInterval { get; init; }

    /// <summary>Timeout for validation, apply and health checking operations. Defaults to 'Interval' duration.</summary>
    [JsonPropertyName("timeout")]
    [Pattern(FluxPatterns.Duration)]
    public string? Timeout { get; init; }

    /// <summary>Prune enables garbage collection.</summary>
    [JsonPropertyName("prune")]
    [Required]
    public bool Prune { get; init; }

    /// <summary>
    /// DeletionPolicy controls garbage collection when this Kustomization is deleted: 'MirrorPrune'
    /// (the default: orphan if Prune is false, delete if true), 'Delete', 'WaitForTermination' or 'Orphan'.
    /// </summary>
    [JsonPropertyName("deletionPolicy")]
    [Enum(DeletionPolicies.MirrorPrune, DeletionPolicies.Delete, DeletionPolicies.WaitForTermination, DeletionPolicies.Orphan)]
    public string? DeletionPolicy { get; init; }

    /// <summary>Force instructs the controller to recreate resources when patching fails due to an immutable field change.</summary>
    [JsonPropertyName("force")]
    [Default(false)]
    public bool? Force { get; init; }

    /// <summary>
    /// Wait instructs the controller to check the health of all the reconciled resources. When enabled,
    /// the HealthChecks are ignored. Defaults to false.
    /// </summary>
    [JsonPropertyName("wait")]
    public bool? Wait { get; init; }

    /// <summary>
    /// This flag tells the controller to suspend subsequent kustomize executions, it does not apply to
    /// already started executions. Defaults to false.
    /// </summary>
    [JsonPropertyName("suspend")]
    public bool? Suspend { get; init; }

    /// <summary>
    /// DependsOn may contain a DependencyReference slice with references to Kustomization resources that
    /// must be ready before this Kustomization can be reconciled.
    /// </summary>
    [JsonPropertyName("dependsOn")]
    public IList<DependencyReference>? DependsOn { get; init; }

    /// <summary>A list of resources to be included in the health assessment.</summary>
    [JsonPropertyName("healthChecks")]
    public IList<NamespacedObjectKindReference>? HealthChecks { get; init; }

    /// <summary>
    /// HealthCheckExprs is a list of healthcheck expressions for evaluating the health of custom resources
    /// using Common Expression Language (CEL). They are evaluated only when Wait or HealthChecks are set.
    /// </summary>
    [JsonPropertyName("healthCheckExprs")]
    public IList<CustomHealthCheck>? HealthCheckExprs { get; init; }

    /// <summary>Decrypt Kubernetes secrets before applying them on the cluster.</summary>
    [JsonPropertyName("decryption")]
    public Decryption? Decryption { get; init; }

    /// <summary>
    /// The KubeConfig for reconciling the Kustomization on a remote cluster. When used in combination with
    /// ServiceAccountName, forces the controller to act on behalf of that Service Account at the target cluster.
    /// </summary>
    [JsonPropertyName("kubeConfig")]
    public KubeConfigReference? KubeConfig { get; init; }

    /// <summary>The name of the Kubernetes service account to impersonate when reconciling this Kustomization.</summary>
    [JsonPropertyName("serviceAccountName")]
    public string? ServiceAccountName { get; init; }

    /// <summary>TargetNamespace sets or overrides the namespace in the kustomization.yaml file.</summary>
    [JsonPropertyName("targetNamespace")]
    [MinLength(1)]
    [MaxLength(63)]
    public string? TargetNamespace { get; init; }

    /// <summary>NamePrefix will prefix the names of all managed resources.</summary>
    [JsonPropertyName("namePrefix")]
    [MinLength(1)]
    [MaxLength(200)]
    public string? NamePrefix { get; init; }

    /// <summary>NameSuffix will suffix the names of all managed resources.</summary>
    [JsonPropertyName("nameSuffix")]
    [MinLength(1)]
    [MaxLength(200)]
    public string? NameSuffix { get; init; }

    /// <summary>
    /// CommonMetadata specifies the common labels and annotations that are applied to all resources.
    /// Any existing label or annotation will be overridden if its key matches a common one.
    /// </summary>
    [JsonPropertyName("commonMetadata")]
    public CommonMetadata? CommonMetadata { get; init; }

    /// <summary>
    /// Strategic merge and JSON patches, defined as inline YAML objects, capable of targeting objects based
    /// on kind, label and annotation selectors.
    /// </summary>
    [JsonPropertyName("patches")]
    public IList<Patch>? Patches { get; init; }

    /// <summary>Images is a list of (image name, new name, new tag or digest) for changing image names, tags or digests.</summary>
    [JsonPropertyName("images")]
    public IList<Image>? Images { get; init; }

    /// <summary>Components specifies relative paths to kustomize Components.</summary>
    [JsonPropertyName("components")]
    public IList<string>? Components { get; init; }

    /// <summary>
    /// IgnoreMissingComponents instructs the controller to ignore Components paths not found in source by
    /// removing them from the generated kustomization.yaml before running kustomize build.
    /// </summary>
    [JsonPropertyName("ignoreMissingComponents")]
    public bool? IgnoreMissingComponents { get; init; }

    /// <summary>
    /// BuildMetadata specifies which kustomize build metadata should be added to the built resources:
    /// 'originAnnotations' and/or 'transformerAnnotations'.
    /// </summary>
    [JsonPropertyName("buildMetadata")]
    [Enum("originAnnotations", "transformerAnnotations", OnItems = true)]
    public IList<string>? BuildMetadata { get; init; }

    /// <summary>PostBuild describes which actions to perform on the YAML manifest generated by building the kustomize overlay.</summary>
    [JsonPropertyName("postBuild")]
    public PostBuild? PostBuild { get; init; }

    /// <summary>
    /// Ignore is a list of rules for specifying which changes to ignore during drift detection, as JSON
    /// pointer paths excluded from drift detection and apply.
    /// </summary>
    [JsonPropertyName("ignore")]
    public IList<IgnoreRule>? Ignore { get; init; }
}
