using System.Text.Json.Serialization;
using FluxSharp.Api.Schema;

namespace FluxSharp.Api.Kustomize.V1;

/// <summary>ResourceInventory contains a list of Kubernetes resource object references that have been applied.</summary>
public sealed record ResourceInventory
{
    /// <summary>Entries of Kubernetes resource object references.</summary>
    [JsonPropertyName("entries")]
    [Required]
    public IList<ResourceRef> Entries { get; init; } = [];
}
