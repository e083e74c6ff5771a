namespace FluxSharp.Kubernetes.Apply;

/// <summary>A field manager whose ownership is taken over before applying (matched by name prefix and operation).</summary>
public sealed record FieldManagerMatch(string NamePrefix, string Operation);

/// <summary>
/// Options of a staged server-side apply. The selectors are empty by default: the caller says which labels or
/// annotations exclude, create-only, force or merge objects (kustomize-controller's are in the Kustomization controller).
/// </summary>
public sealed record ApplyOptions
{
    /// <summary>The SSA field manager.</summary>
    public string FieldManager { get; init; } = "fluxsharp";

    /// <summary>Recreate objects whose change hits an immutable field.</summary>
    public bool Force { get; init; }

    /// <summary>How long to wait for CRDs to be Established and namespaces Active between stages.</summary>
    public TimeSpan WaitTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan WaitInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How many dry-runs run at once.</summary>
    public int Concurrency { get; init; } = 4;

    /// <summary>Objects carrying any of these (label or annotation key=value) are skipped.</summary>
    public IReadOnlyDictionary<string, string> ExclusionSelector { get; init; } = new Dictionary<string, string>();

    /// <summary>Desired objects carrying any of these are only created, never patched.</summary>
    public IReadOnlyDictionary<string, string> IfNotPresentSelector { get; init; } = new Dictionary<string, string>();

    /// <summary>Objects carrying any of these are recreated on immutable field errors even without <see cref="Force"/>.</summary>
    public IReadOnlyDictionary<string, string> ForceSelector { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// How to ask for recreation, appended to an immutable-field error when <see cref="Force"/> is off (e.g. "set
    /// spec.force to true"); null names the <see cref="ForceSelector"/> alone.
    /// </summary>
    public string? ForceHint { get; init; }

    /// <summary>Annotations removed from live objects before applying (kubectl's last-applied configuration).</summary>
    public IReadOnlyList<string> CleanupAnnotations { get; init; } = ["kubectl.kubernetes.io/last-applied-configuration"];

    /// <summary>Managers whose fields are taken over, so fields they added that the manifest lacks are removed.</summary>
    public IReadOnlyList<FieldManagerMatch> CleanupFieldManagers { get; init; } =
    [
        new("kubectl", "Apply"),
        new("kubectl", "Update"),
        new("before-first-apply", "Update"),
    ];

    /// <summary>Objects carrying any of these keep other managers' fields (ssa: Merge).</summary>
    public IReadOnlyDictionary<string, string> CleanupExclusions { get; init; } = new Dictionary<string, string>();
}

/// <summary>Options of a delete (prune, or deletion of the owner).</summary>
public sealed record DeleteOptions
{
    /// <summary>Background (the default), Foreground or Orphan.</summary>
    public string PropagationPolicy { get; init; } = "Background";

    /// <summary>Only live objects whose labels contain all of these are deleted (the owner labels); null deletes regardless.</summary>
    public IReadOnlyDictionary<string, string>? Inclusions { get; init; }

    /// <summary>Live objects carrying any of these (label or annotation) are kept.</summary>
    public IReadOnlyDictionary<string, string> Exclusions { get; init; } = new Dictionary<string, string>();
}
