using System.Text.Json.Serialization;
using FluxSharp.Api.Schema;

namespace FluxSharp.Api.Kustomize.V1;

/// <summary>ResourceRef contains the information necessary to locate a resource within a cluster.</summary>
public sealed record ResourceRef
{
    /// <summary>ID is the string representation of the Kubernetes resource object's metadata, in the format '&lt;namespace&gt;_&lt;name&gt;_&lt;group&gt;_&lt;kind&gt;'.</summary>
    [JsonPropertyName("id")]
    [Required]
    public string Id { get; init; } = "";

    /// <summary>Version is the API version of the Kubernetes resource object's kind.</summary>
    [JsonPropertyName("v")]
    [Required]
    public string Version { get; init; } = "";
}
