using System.Text.Json.Serialization;
using FluxSharp.Api.Schema;

namespace FluxSharp.Api;

/// <summary>Condition contains details for one aspect of the current state of this API Resource.</summary>
public sealed record Condition
{
    /// <summary>type of condition in CamelCase or in foo.example.com/CamelCase.</summary>
    [JsonPropertyName("type")]
    [Required]
    [MaxLength(316)]
    [Pattern("^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$")]
    public string Type { get; init; } = "";

    /// <summary>status of the condition, one of True, False, Unknown.</summary>
    [JsonPropertyName("status")]
    [Required]
    [Enum("True", "False", "Unknown")]
    public string Status { get; init; } = ConditionStatus.Unknown;

    /// <summary>
    /// observedGeneration represents the .metadata.generation that the condition was set based upon.
    /// </summary>
    [JsonPropertyName("observedGeneration")]
    [Minimum(0)]
    public long? ObservedGeneration { get; init; }

    /// <summary>lastTransitionTime is the last time the condition transitioned from one status to another.</summary>
    [JsonPropertyName("lastTransitionTime")]
    [Required]
    public DateTime LastTransitionTime { get; init; }

    /// <summary>
    /// reason contains a programmatic identifier indicating the reason for the condition's last transition,
    /// in CamelCase. This field may not be empty.
    /// </summary>
    [JsonPropertyName("reason")]
    [Required]
    [MinLength(1)]
    [MaxLength(1024)]
    [Pattern("^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$")]
    public string Reason { get; init; } = "";

    /// <summary>message is a human readable message indicating details about the transition. This may be an empty string.</summary>
    [JsonPropertyName("message")]
    [Required]
    [MaxLength(32768)]
    public string Message { get; init; } = "";
}
