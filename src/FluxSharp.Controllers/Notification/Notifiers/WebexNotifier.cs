using System.Text;
using System.Text.Json.Nodes;

namespace FluxSharp.Controllers.Notification.Notifiers;

/// <summary>webex: a Markdown message to the room in spec.channel, with the token as Bearer, as Flux sends it.</summary>
public sealed class WebexNotifier : INotifier
{
    private readonly ProviderSettings _settings;
    private readonly ProviderHttp _http;

    public WebexNotifier(ProviderSettings settings, ProviderHttp http)
    {
        ArgumentNullException.ThrowIfNull(settings);
        NotifierAddress.RequireUrl(settings.Address, "Webex hook URL");
        _settings = settings;
        _http = http;
    }

    public static string Markdown(NotificationEvent ev)
    {
        ArgumentNullException.ThrowIfNull(ev);
        var text = new StringBuilder();
        text.Append(ev.Severity == NotificationEvent.SeverityError ? "💣" : "✅").Append(" **").Append(NotifierAddress.ObjectName(ev)).Append("**\n");
        text.Append(ev.Message).Append('\n');
        foreach (var (key, value) in ev.Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            text.Append(">**").Append(key).Append("**: ").Append(value).Append('\n');
        }

        return text.ToString();
    }

    public async Task PostAsync(NotificationEvent ev, CancellationToken cancellationToken)
    {
        var payload = new JsonObject();
        if (!string.IsNullOrEmpty(_settings.Channel))
        {
            payload["roomId"] = _settings.Channel;
        }

        payload["markdown"] = Markdown(ev);
        var body = GoJson.Serialize(payload);
        var headers = new[] { KeyValuePair.Create("Authorization", "Bearer " + _settings.Token) };
        await _http.SendAsync(_settings, () => ProviderHttp.JsonPost(_settings.Address, body, headers), cancellationToken);
    }
}
