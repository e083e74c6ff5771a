using System.Text.Json.Nodes;

namespace FluxSharp.Controllers.Notification.Notifiers;

/// <summary>
/// slack (and Slack-compatible: Mattermost; discord and rocket use it too): an attachment with the message,
/// "good"/"danger" colour, author "kind/name.namespace" and the metadata as fields; a token becomes a Bearer header
/// (for chat.postMessage, whose 200 answers carry "ok").
/// </summary>
public sealed class SlackNotifier : INotifier
{
    public const string PostMessageUrl = "https://slack.com/api/chat.postMessage";
    private readonly ProviderSettings _settings;
    private readonly ProviderHttp _http;
    private readonly string _url;

    public SlackNotifier(ProviderSettings settings, ProviderHttp http, string? url = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _url = url ?? settings.Address;
        NotifierAddress.RequireUrl(_url, "Slack hook URL");
        _settings = settings;
        _http = http;
    }

    /// <summary>The body Flux's Slack notifier sends.</summary>
    public static JsonObject Payload(NotificationEvent ev, string? username, string? channel)
    {
        ArgumentNullException.ThrowIfNull(ev);
        var author = NotifierAddress.ObjectName(ev);
        var fields = new JsonArray();
        foreach (var (key, value) in ev.Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            fields.Add(new JsonObject { ["title"] = key, ["value"] = value, ["short"] = false });
        }

        return new JsonObject
        {
            ["channel"] = channel ?? string.Empty,
            ["username"] = string.IsNullOrEmpty(username) ? ev.ReportingController : username,
            ["icon_url"] = string.Empty,
            ["icon_emoji"] = string.Empty,
            ["attachments"] = new JsonArray(new JsonObject
            {
                ["fallback"] = $"{author}: {ev.Message.Split('\n')[0]}",
                ["color"] = ev.Severity == NotificationEvent.SeverityError ? "danger" : "good",
                ["author_name"] = author,
                ["text"] = ev.Message,
                ["mrkdwn_in"] = new JsonArray("text"),
                ["fields"] = fields,
            }),
        };
    }

    public async Task PostAsync(NotificationEvent ev, CancellationToken cancellationToken)
    {
        var body = GoJson.Serialize(Payload(ev, _settings.Username, _settings.Channel));
        var headers = string.IsNullOrEmpty(_settings.Token) ? [] : new[] { KeyValuePair.Create("Authorization", "Bearer " + _settings.Token) };
        var response = await _http.SendAsync(_settings, () => ProviderHttp.JsonPost(_url, body, headers), cancellationToken);
        if (_url == PostMessageUrl && JsonNode.Parse(response.Body) is JsonObject answer && answer["ok"]?.GetValue<bool>() != true)
        {
            throw new ProviderRequestException($"Slack responded with error: {answer["error"]?.GetValue<string>()}");
        }
    }
}
