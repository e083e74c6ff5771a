namespace FluxSharp.Api.Schema;

/// <summary>
/// Marks a root API type and names its CustomResourceDefinition: group, version, kind and the names
/// kubectl uses. The list kind is <c>Kind + "List"</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class CustomResourceAttribute(string group, string version, string kind, string plural) : Attribute
{
    public string Group { get; } = group;

    public string Version { get; } = version;

    public string Kind { get; } = kind;

    public string Plural { get; } = plural;

    /// <summary>Defaults to the lower-case kind.</summary>
    public string? Singular { get; init; }

    public string[] ShortNames { get; init; } = [];

    public string[] Categories { get; init; } = [];

    /// <summary>"Namespaced" (default) or "Cluster".</summary>
    public string Scope { get; init; } = "Namespaced";

    /// <summary>Whether the CRD serves the status subresource (default true).</summary>
    public bool StatusSubresource { get; init; } = true;
}
