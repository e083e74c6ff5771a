using System.Text.Json.Serialization;

namespace FluxSharp.Api.Kustomize.V1;

/// <summary>Selector specifies a set of resources by group, version, kind, name, namespace and label/annotation selectors.</summary>
public sealed record Selector
{
    /// <summary>Group is the API group to select resources from.</summary>
    [JsonPropertyName("group")]
    public string? Group { get; init; }

    /// <summary>Version of the API Group to select resources from.</summary>
    [JsonPropertyName("version")]
    public string? Version { get; init; }

    /// <summary>Kind of the API Group to select resources from.</summary>
    [JsonPropertyName("kind")]
    public string? Kind { get; init; }

    /// <summary>Namespace to select resources from.</summary>
    [JsonPropertyName("namespace")]
    public string? Namespace { get; init; }

    /// <summary>Name to match resources with.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>AnnotationSelector is a label selection expression matched against the resource annotations.</summary>
    [JsonPropertyName("annotationSelector")]
    public string? AnnotationSelector { get; init; }

    /// <summary>LabelSelector is a label selection expression matched against the resource labels.</summary>
    [JsonPropertyName("labelSelector")]
    public string? LabelSelector { get; init; }
}
