using System.Text.Json.Serialization;
using FluxSharp.Api.Schema;

namespace FluxSharp.Api.Kustomize.V1;

/// <summary>CustomHealthCheck defines the health check for custom resources.</summary>
public sealed record CustomHealthCheck
{
    /// <summary>APIVersion of the custom resource under evaluation.</summary>
    [JsonPropertyName("apiVersion")]
    [Required]
    public string ApiVersion { get; init; } = "";

    /// <summary>Kind of the custom resource under evaluation.</summary>
    [JsonPropertyName("kind")]
    public string? Kind { get; init; }

    /// <summary>Current is the CEL expression that determines if the status of the custom resource has reached the desired state.</summary>
    [JsonPropertyName("current")]
    [Required]
    public string Current { get; init; } = "";

    /// <summary>InProgress is the CEL expression that determines if the status of the custom resource has not yet reached the desired state.</summary>
    [JsonPropertyName("inProgress")]
    public string? InProgress { get; init; }

    /// <summary>Failed is the CEL expression that determines if the status of the custom resource has failed to reach the desired state.</summary>
    [JsonPropertyName("failed")]
    public string? Failed { get; init; }
}
