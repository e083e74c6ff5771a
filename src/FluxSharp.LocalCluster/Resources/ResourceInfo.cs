using FluxSharp.LocalCluster.Schema;

namespace FluxSharp.LocalCluster.Resources;

/// <summary>A CRD's additionalPrinterColumns entry (also used for built-in kinds' kubectl columns).</summary>
public sealed record PrinterColumn(string Name, string Type, string JsonPath, string? Description = null, string? Format = null, int Priority = 0);

/// <summary>The scale subresource's paths (CRD spec.versions[].subresources.scale).</summary>
public sealed record ScaleSubresource(string SpecReplicasPath, string StatusReplicasPath, string? LabelSelectorPath);

/// <summary>One resource served at one group/version: what discovery, routing, OpenAPI and tables need.</summary>
public sealed record ResourceInfo
{
    /// <summary>API group; "" for the core group.</summary>
    public required string Group { get; init; }

    public required string Version { get; init; }

    public required string Kind { get; init; }

    /// <summary>The resource name in URLs, e.g. "deployments".</summary>
    public required string Plural { get; init; }

    public required string Singular { get; init; }

    public required bool Namespaced { get; init; }

    public IReadOnlyList<string> ShortNames { get; init; } = [];

    public IReadOnlyList<string> Categories { get; init; } = [];

    public IReadOnlyList<string> Verbs { get; init; } = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public bool HasStatus { get; init; }

    public ScaleSubresource? Scale { get; init; }

    /// <summary>
    /// A delete that removes the object answers with the object rather than a Status (the real server's
    /// ReturnDeletedObject, e.g. Pods): typed clients deserialize the answer as the kind.
    /// </summary>
    public bool ReturnsDeletedObject { get; init; }

    /// <summary>True for the version objects are stored in (CRDs with several versions).</summary>
    public bool StorageVersion { get; init; } = true;

    /// <summary>Served custom resource (from a CRD) rather than a built-in kind.</summary>
    public bool IsCustom { get; init; }

    /// <summary>Columns for kubectl get (CRD additionalPrinterColumns; empty means NAME and AGE).</summary>
    public IReadOnlyList<PrinterColumn> PrinterColumns { get; init; } = [];

    /// <summary>Schema of the whole object; null when unknown (then anything is accepted).</summary>
    public TypeSchema? Schema { get; init; }

    /// <summary>Set when this resource is stored with another (events.k8s.io Events live with core Events).</summary>
    public string? SharedStorageKey { get; init; }

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public string GroupVersion => ApiVersion;

    public string ListKind => Kind + "List";
}
