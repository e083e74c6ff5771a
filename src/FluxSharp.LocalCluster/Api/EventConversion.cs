using System.Text.Json.Nodes;

namespace FluxSharp.LocalCluster.Api;

/// <summary>
/// core/v1 Events and events.k8s.io/v1 Events are one resource stored once (in the core shape), as on a real
/// server: the field renames between the two versions, both ways.
/// </summary>
internal static class EventConversion
{
    // (core/v1 field, events.k8s.io/v1 field)
    private static readonly (string Core, string Events)[] Renames =
    [
        ("involvedObject", "regarding"),
        ("message", "note"),
        ("source", "deprecatedSource"),
        ("firstTimestamp", "deprecatedFirstTimestamp"),
        ("lastTimestamp", "deprecatedLastTimestamp"),
        ("count", "deprecatedCount"),
        ("reportingComponent", "reportingController"),
    ];

    public static bool IsEventsV1(Resources.ResourceInfo r) => r.Group == "events.k8s.io" && r.Plural == "events";

    public static JsonObject ToEventsV1(JsonObject core) => Rename(core, toEvents: true, "events.k8s.io/v1");

    public static JsonObject ToCore(JsonObject events) => Rename(events, toEvents: false, "v1");

    private static JsonObject Rename(JsonObject source, bool toEvents, string apiVersion)
    {
        var result = new JsonObject();
        foreach (var (key, value) in source)
        {
            var target = key;
            foreach (var (core, events) in Renames)
            {
                if (toEvents && key == core)
                {
                    target = events;
                }
                else if (!toEvents && key == events)
                {
                    target = core;
                }
            }

            result[target] = value?.DeepClone();
        }

        result["apiVersion"] = apiVersion;
        result["kind"] = "Event";
        return result;
    }
}
