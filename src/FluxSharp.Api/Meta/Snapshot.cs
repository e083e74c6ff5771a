using System.Text.Json.Serialization;
using FluxSharp.Api.Schema;

namespace FluxSharp.Api;

/// <summary>Snapshot records one group of reconciliations of the same resources: timing, status and a digest identifying them.</summary>
public sealed record Snapshot
{
    /// <summary>Digest is the checksum in the format `&lt;algo&gt;:&lt;hex&gt;` of the resources in this snapshot.</summary>
    [JsonPropertyName("digest")]
    [Required]
    public string Digest { get; init; } = "";

    /// <summary>FirstReconciled is the time when this revision was first reconciled to the cluster.</summary>
    [JsonPropertyName("firstReconciled")]
    [Required]
    public DateTime FirstReconciled { get; init; }

    /// <summary>LastReconciled is the time when this revision was last reconciled to the cluster.</summary>
    [JsonPropertyName("lastReconciled")]
    [Required]
    public DateTime LastReconciled { get; init; }

    /// <summary>LastReconciledDuration is time it took to reconcile the resources in this revision (a Go duration).</summary>
    [JsonPropertyName("lastReconciledDuration")]
    [Required]
    public string LastReconciledDuration { get; init; } = "";

    /// <summary>LastReconciledStatus is the status of the last reconciliation.</summary>
    [JsonPropertyName("lastReconciledStatus")]
    [Required]
    public string LastReconciledStatus { get; init; } = "";

    /// <summary>TotalReconciliations is the total number of reconciliations that have occurred for this snapshot.</summary>
    [JsonPropertyName("totalReconciliations")]
    [Required]
    public long TotalReconciliations { get; init; }

    /// <summary>Metadata contains additional information about the snapshot.</summary>
    [JsonPropertyName("metadata")]
    public IDictionary<string, string>? Metadata { get; init; }
}
