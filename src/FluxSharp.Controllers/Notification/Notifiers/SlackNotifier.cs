using System.Text.Json.Nodes;

namespace FluxSharp.Controllers.Notification.Notifiers;

/// <summary>Which Slack-shaped body: Slack's own, Discord's Slack-compatible endpoint, or Rocket.Chat's.</summary>
public enum SlackFlavor
{
    Slack,
    Discord,
    Rocket,
}

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

    private readonly SlackFlavor _flavor;

    public SlackNotifier(ProviderSettings settings, ProviderHttp http, SlackFlavor flavor = SlackFlavor.Slack)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _url = settings.Address;
        var uri = NotifierAddress.RequireUrl(_url, $"{flavor} hook URL");

        // Discord takes Slack's body on its webhook's /slack path, which Flux appends when missing.
        if (flavor == SlackFlavor.Discord && !_url.EndsWith("/slack", StringComparison.Ordinal))
        {
            _url = new UriBuilder(uri) { Path = uri.AbsolutePath.TrimEnd('/') + "/slack" }.Uri.ToString();
        }

        _flavor = flavor;
        _settings = settings;
        _http = http;
    }

    /// <summary>The body Flux's Slack notifier sends.</summary>
    public static JsonObject Payload(NotificationEvent ev, string? username, string? channel, SlackFlavor flavor = SlackFlavor.Slack)
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
            ["channel"] = flavor == SlackFlavor.Discord ? string.Empty : channel ?? string.Empty,
            ["username"] = string.IsNullOrEmpty(username) && flavor != SlackFlavor.Rocket ? ev.ReportingController : username ?? string.Empty,
            ["icon_url"] = string.Empty,
            ["icon_emoji"] = string.Empty,
            ["attachments"] = new JsonArray(new JsonObject
            {
                ["fallback"] = flavor == SlackFlavor.Slack ? $"{author}: {ev.Message.Split('\n')[0]}" : string.Empty,
                ["color"] = (flavor, ev.Severity == NotificationEvent.SeverityError) switch
                {
                    (SlackFlavor.Rocket, true) => "#FF0000",
                    (SlackFlavor.Rocket, false) => "#0076D7",
                    (_, true) => "danger",
                    _ => "good",
                },
                ["author_name"] = author,
                ["text"] = ev.Message,
                ["mrkdwn_in"] = new JsonArray("text"),
                ["fields"] = fields,
            }),
        };
    }

    public async Task PostAsync(NotificationEvent ev, CancellationToken cancellationToken)
    {
        var body = GoJson.Serialize(Payload(ev, _settings.Username, _settings.Channel, _flavor));
        var headers = string.IsNullOrEmpty(_settings.Token) || _flavor != SlackFlavor.Slack ? [] : new[] { KeyValuePair.Create("Authorization", "Bearer " + _settings.Token) };
        var response = await _http.SendAsync(_settings, () => ProviderHttp.JsonPost(_url, body, headers), cancellationToken);
        if (_url == PostMessageUrl && JsonNode.Parse(response.Body) is JsonObject answer && answer["ok"]?.GetValue<bool>() != true)
        {
            throw new ProviderRequestException($"Slack responded with error: {answer["error"]?.GetValue<string>()}");
        }
    }
}
