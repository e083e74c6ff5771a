using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluxSharp.Kubernetes.Runtime;
using k8s.Models;

namespace FluxSharp.Controllers.Notification;

/// <summary>
/// An event in Flux's wire format (fluxcd/pkg apis/event/v1beta1 Event): what controllers POST to the events
/// endpoint, what the generic providers forward, and what the alert pipeline works on.
/// </summary>
public sealed record NotificationEvent
{
    /// <summary>The API group of event metadata set through object annotations (event.toolkit.fluxcd.io).</summary>
    public const string Group = "event.toolkit.fluxcd.io";

    public const string SeverityTrace = "trace";
    public const string SeverityInfo = "info";
    public const string SeverityError = "error";

    /// <summary>Flux's limit on the message (kubebuilder MaxLength of Event.message).</summary>
    public const int MaxMessageLength = 39000;

    public required V1ObjectReference InvolvedObject { get; init; }

    public required string Severity { get; init; }

    public required DateTimeOffset Timestamp { get; init; }

    public required string Message { get; init; }

    public required string Reason { get; init; }

    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    public required string ReportingController { get; init; }

    public string? ReportingInstance { get; init; }

    /// <summary>The involved object's API group ("" for the core group).</summary>
    public string ObjectGroup => InvolvedObject.ApiVersion is { } v && v.Contains('/', StringComparison.Ordinal) ? v[..v.IndexOf('/', StringComparison.Ordinal)] : string.Empty;

    /// <summary>The revision this event is about (Flux's GetRevision: commit, then originRevision, then revision).</summary>
    public string? Revision =>
        Metadata.TryGetValue("commit", out var commit) ? commit
        : Metadata.TryGetValue("originRevision", out var origin) ? origin
        : Metadata.TryGetValue("revision", out var revision) ? revision
        : null;

    /// <summary>An event recorded in-process: Warning is severity error, Trace trace, anything else info (Flux's eventTypeToSeverity).</summary>
    public static NotificationEvent From(FluxEvent ev)
    {
        ArgumentNullException.ThrowIfNull(ev);
        return new NotificationEvent
        {
            InvolvedObject = ev.InvolvedObject,
            Severity = ev.Type switch { "Warning" => SeverityError, "Trace" => SeverityTrace, _ => SeverityInfo },
            Timestamp = ev.Timestamp,
            Message = ev.Message,
            Reason = ev.Reason,
            Metadata = ev.Metadata,
            ReportingController = ev.ReportingController,
            ReportingInstance = ev.ReportingInstance,
        };
    }

    /// <summary>The in-process form of this event, to publish on the manager's hub.</summary>
    public FluxEvent ToFluxEvent() =>
        new(InvolvedObject, Severity switch { SeverityError => "Warning", SeverityTrace => "Trace", _ => "Normal" }, Reason, Message, Metadata, ReportingController, Timestamp)
        {
            ReportingInstance = ReportingInstance,
        };

    /// <summary>The event as Flux marshals it (field order and omitempty as eventv1.Event and corev1.ObjectReference).</summary>
    public JsonObject ToJson()
    {
        var involved = new JsonObject();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                involved[name] = value;
            }
        }

        Add("kind", InvolvedObject.Kind);
        Add("namespace", InvolvedObject.NamespaceProperty);
        Add("name", InvolvedObject.Name);
        Add("uid", InvolvedObject.Uid);
        Add("apiVersion", InvolvedObject.ApiVersion);
        Add("resourceVersion", InvolvedObject.ResourceVersion);
        Add("fieldPath", InvolvedObject.FieldPath);
        var json = new JsonObject
        {
            ["involvedObject"] = involved,
            ["severity"] = Severity,
            ["timestamp"] = Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["message"] = Message,
            ["reason"] = Reason,
        };
        if (Metadata.Count > 0)
        {
            json["metadata"] = SortedObject(Metadata);
        }

        json["reportingController"] = ReportingController;
        if (!string.IsNullOrEmpty(ReportingInstance))
        {
            json["reportingInstance"] = ReportingInstance;
        }

        return json;
    }

    /// <summary>A string map as Go marshals it: keys sorted.</summary>
    public static JsonObject SortedObject(IEnumerable<KeyValuePair<string, string>> map)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in map.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            obj[key] = value;
        }

        return obj;
    }

    /// <summary>Reads Flux's event JSON; a FormatException names what is wrong.</summary>
    public static NotificationEvent Parse(ReadOnlySpan<byte> body)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(body);
        }
        catch (JsonException e)
        {
            throw new FormatException($"the body is not JSON: {e.Message}", e);
        }

        if (node is not JsonObject json)
        {
            throw new FormatException("the body is not a JSON object");
        }

        try
        {
            var involved = json["involvedObject"] as JsonObject ?? throw new FormatException("involvedObject is required");
            string? Str(JsonObject o, string name) => o[name] is JsonValue v ? v.GetValue<string>() : o[name] is null ? null : throw new FormatException($"{name} must be a string");
            var severity = Str(json, "severity") ?? string.Empty;
            if (severity is not (SeverityTrace or SeverityInfo or SeverityError))
            {
                throw new FormatException($"severity \"{severity}\" must be one of trace, info, error");
            }

            var message = Str(json, "message") ?? string.Empty;
            if (message.Length > MaxMessageLength)
            {
                throw new FormatException($"message is longer than {MaxMessageLength} characters");
            }

            var timestamp = Str(json, "timestamp") is { } t
                ? DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : throw new FormatException($"timestamp \"{t}\" is not an RFC 3339 time")
                : default;
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            if (json["metadata"] is JsonObject meta)
            {
                foreach (var (key, value) in meta)
                {
                    metadata[key] = value is JsonValue v ? v.GetValue<string>() : throw new FormatException($"metadata.{key} must be a string");
                }
            }

            return new NotificationEvent
            {
                InvolvedObject = new V1ObjectReference
                {
                    Kind = Str(involved, "kind"),
                    NamespaceProperty = Str(involved, "namespace"),
                    Name = Str(involved, "name"),
                    Uid = Str(involved, "uid"),
                    ApiVersion = Str(involved, "apiVersion"),
                    ResourceVersion = Str(involved, "resourceVersion"),
                    FieldPath = Str(involved, "fieldPath"),
                },
                Severity = severity,
                Timestamp = timestamp,
                Message = message,
                Reason = Str(json, "reason") ?? string.Empty,
                Metadata = metadata,
                ReportingController = Str(json, "reportingController") ?? string.Empty,
                ReportingInstance = Str(json, "reportingInstance"),
            };
        }
        catch (InvalidOperationException e)
        {
            throw new FormatException($"a field has the wrong type: {e.Message}", e);
        }
    }
}
