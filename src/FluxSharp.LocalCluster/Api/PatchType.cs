namespace FluxSharp.LocalCluster.Api;

/// <summary>The kinds of patch a client may send (by Content-Type).</summary>
public enum PatchType
{
    Json,
    Merge,
    StrategicMerge,
    Apply,
}
