using FluxSharp.Api.Notification.V1beta3;

namespace FluxSharp.Controllers.Notification;

/// <summary>How notification-controller cleans and combines an event's metadata (Flux RFC 0008).</summary>
public static class EventMetadata
{
    private const string EventGroupPrefix = NotificationEvent.Group + "/";

    /// <summary>
    /// Keeps only the keys prefixed with the event group or the involved object's group, without the object
    /// group's checksum and digest (Flux's cleanupMetadata, before rate limiting).
    /// </summary>
    public static NotificationEvent Clean(NotificationEvent ev)
    {
        ArgumentNullException.ThrowIfNull(ev);
        var objectPrefix = ev.ObjectGroup + "/";
        var dropped = new[] { objectPrefix + "checksum", objectPrefix + "digest" };
        var kept = ev.Metadata
            .Where(kv => !dropped.Contains(kv.Key, StringComparer.OrdinalIgnoreCase)
                && (kv.Key.StartsWith(EventGroupPrefix, StringComparison.Ordinal) || kv.Key.StartsWith(objectPrefix, StringComparison.Ordinal)))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        return ev with { Metadata = kept };
    }

    /// <summary>Drops the object group's token, which only serves rate limiting (Flux's excludeInternalMetadata).</summary>
    public static NotificationEvent WithoutInternal(NotificationEvent ev)
    {
        ArgumentNullException.ThrowIfNull(ev);
        var token = ev.ObjectGroup + "/token";
        return ev.Metadata.ContainsKey(token)
            ? ev with { Metadata = ev.Metadata.Where(kv => kv.Key != token).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal) }
            : ev;
    }

    /// <summary>
    /// The metadata a provider gets, lowest precedence first: event-group keys (prefix stripped), the Alert's
    /// eventMetadata, its summary as "summary", then the object-group keys (prefix stripped). Keys set by more than
    /// one source are returned in <paramref name="conflicts"/> with their sources.
    /// </summary>
    public static NotificationEvent Combine(NotificationEvent ev, Alert alert, out IReadOnlyDictionary<string, string> conflicts)
    {
        ArgumentNullException.ThrowIfNull(ev);
        ArgumentNullException.ThrowIfNull(alert);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var sources = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Set(string key, string value, string source)
        {
            metadata[key] = value;
            if (!sources.TryGetValue(key, out var list))
            {
                sources[key] = list = [];
            }

            list.Add(source);
        }

        foreach (var (key, value) in ev.Metadata.Where(kv => kv.Key.StartsWith(EventGroupPrefix, StringComparison.Ordinal)))
        {
            Set(key[EventGroupPrefix.Length..], value, "involved object annotations");
        }

        foreach (var (key, value) in alert.Spec.EventMetadata ?? new Dictionary<string, string>())
        {
            Set(key, value, "Alert object .spec.eventMetadata");
        }

        if (!string.IsNullOrEmpty(alert.Spec.Summary))
        {
            Set("summary", alert.Spec.Summary, "Alert object .spec.summary");
        }

        var objectPrefix = ev.ObjectGroup + "/";
        foreach (var (key, value) in ev.Metadata.Where(kv => kv.Key.StartsWith(objectPrefix, StringComparison.Ordinal)))
        {
            Set(key[objectPrefix.Length..], value, "involved object controller metadata");
        }

        conflicts = sources.Where(s => s.Value.Count > 1).ToDictionary(s => s.Key, s => string.Join(", ", s.Value), StringComparer.Ordinal);
        return metadata.Count > 0 ? ev with { Metadata = metadata } : ev;
    }
}
