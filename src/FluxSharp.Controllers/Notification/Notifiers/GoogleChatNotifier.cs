using System.Text.Json.Nodes;

namespace FluxSharp.Controllers.Notification.Notifiers;

/// <summary>
/// googlechat: a card with the object as title and the reporting controller as subtitle, the message (red for
/// errors) and the metadata as key/value widgets, in Flux's field order (unset fields are JSON nulls, as Go writes them).
/// </summary>
public sealed class GoogleChatNotifier : INotifier
{
    private readonly ProviderSettings _settings;
    private readonly ProviderHttp _http;

    public GoogleChatNotifier(ProviderSettings settings, ProviderHttp http)
    {
        ArgumentNullException.ThrowIfNull(settings);
        NotifierAddress.RequireUrl(settings.Address, "Google Chat hook URL");
        _settings = settings;
        _http = http;
    }

    public static JsonObject Payload(NotificationEvent ev)
    {
        ArgumentNullException.ThrowIfNull(ev);
        var text = ev.Severity == NotificationEvent.SeverityError ? $"<font color=\"#ff0000\">{ev.Message}</font>" : ev.Message;
        var sections = new JsonArray(new JsonObject
        {
            ["header"] = string.Empty,
            ["widgets"] = new JsonArray(new JsonObject { ["textParagraph"] = new JsonObject { ["text"] = text }, ["keyValue"] = null }),
        });
        if (ev.Metadata.Count > 0)
        {
            var widgets = new JsonArray();
            foreach (var (key, value) in ev.Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                widgets.Add(new JsonObject
                {
                    ["textParagraph"] = null,
                    ["keyValue"] = new JsonObject { ["topLabel"] = key, ["content"] = value, ["contentMultiline"] = false, ["bottomLabel"] = null, ["icon"] = null },
                });
            }

            sections.Add(new JsonObject { ["header"] = string.Empty, ["widgets"] = widgets });
        }

        return new JsonObject
        {
            ["cards"] = new JsonArray(new JsonObject
            {
                ["header"] = new JsonObject { ["title"] = NotifierAddress.ObjectName(ev), ["subtitle"] = ev.ReportingController, ["imageUrl"] = null, ["imageStyle"] = null },
                ["sections"] = sections,
            }),
        };
    }

    public async Task PostAsync(NotificationEvent ev, CancellationToken cancellationToken)
    {
        var body = GoJson.Serialize(Payload(ev));
        await _http.SendAsync(_settings, () => ProviderHttp.JsonPost(_settings.Address, body), cancellationToken);
    }
}
