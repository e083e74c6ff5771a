using System.Text.Json.Nodes;

namespace FluxSharp.Controllers.Notification.Notifiers;

/// <summary>
/// msteams: an Adaptive Card (version 1.4, full width: the object in large bold, the message, red for errors, and
/// the metadata as facts, "summary" first) for Workflows/Power Automate webhooks; the legacy MessageCard for the
/// deprecated *.webhook.office.com connectors, as Flux chooses by host.
/// </summary>
public sealed class MsTeamsNotifier : INotifier
{
    private readonly ProviderSettings _settings;
    private readonly ProviderHttp _http;
    private readonly bool _legacyConnector;

    public MsTeamsNotifier(ProviderSettings settings, ProviderHttp http)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var url = NotifierAddress.RequireUrl(settings.Address, "MS Teams webhook URL");
        _legacyConnector = url.Host.EndsWith(".webhook.office.com", StringComparison.OrdinalIgnoreCase);
        _settings = settings;
        _http = http;
    }

    public static JsonObject AdaptiveCard(NotificationEvent ev)
    {
        ArgumentNullException.ThrowIfNull(ev);
        var message = new JsonObject { ["type"] = "TextBlock", ["text"] = ev.Message };
        if (ev.Severity == NotificationEvent.SeverityError)
        {
            message["color"] = "attention";
        }

        message["wrap"] = true;
        var facts = new JsonArray();
        if (ev.Metadata.TryGetValue("summary", out var summary))
        {
            facts.Add(new JsonObject { ["title"] = "summary", ["value"] = summary });
        }

        foreach (var (key, value) in ev.Metadata.Where(kv => kv.Key != "summary").OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            facts.Add(new JsonObject { ["title"] = key, ["value"] = value });
        }

        var factSet = new JsonObject { ["type"] = "FactSet" };
        if (facts.Count > 0)
        {
            factSet["facts"] = facts;
        }

        return new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray(new JsonObject
            {
                ["contentType"] = "application/vnd.microsoft.card.adaptive",
                ["content"] = new JsonObject
                {
                    ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
                    ["type"] = "AdaptiveCard",
                    ["version"] = "1.4",
                    ["body"] = new JsonArray(new JsonObject
                    {
                        ["type"] = "Container",
                        ["items"] = new JsonArray(
                            new JsonObject { ["type"] = "TextBlock", ["text"] = NotifierAddress.ObjectName(ev), ["size"] = "large", ["weight"] = "bolder", ["wrap"] = true },
                            message,
                            factSet),
                    }),
                    ["msteams"] = new JsonObject { ["width"] = "Full" },
                },
            }),
        };
    }

    public static JsonObject MessageCard(NotificationEvent ev)
    {
        ArgumentNullException.ThrowIfNull(ev);
        var name = NotifierAddress.ObjectName(ev);
        var facts = new JsonArray();
        foreach (var (key, value) in ev.Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            facts.Add(new JsonObject { ["name"] = key, ["value"] = value });
        }

        return new JsonObject
        {
            ["@type"] = "MessageCard",
            ["@context"] = "http://schema.org/extensions",
            ["themeColor"] = ev.Severity == NotificationEvent.SeverityError ? "FF0000" : "0076D7",
            ["summary"] = name,
            ["sections"] = new JsonArray(new JsonObject { ["activityTitle"] = ev.Message, ["activitySubtitle"] = name, ["facts"] = facts }),
        };
    }

    public async Task PostAsync(NotificationEvent ev, CancellationToken cancellationToken)
    {
        var body = GoJson.Serialize(_legacyConnector ? MessageCard(ev) : AdaptiveCard(ev));
        await _http.SendAsync(_settings, () => ProviderHttp.JsonPost(_settings.Address, body), cancellationToken);
    }
}
