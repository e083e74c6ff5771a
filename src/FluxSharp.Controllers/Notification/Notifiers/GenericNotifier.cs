using System.Security.Cryptography;
using System.Text;

namespace FluxSharp.Controllers.Notification.Notifiers;

/// <summary>
/// generic and generic-hmac: POSTs the event as Flux's JSON to the address, with the gotk-component header, the
/// secret's headers, and for generic-hmac an X-Signature "sha256=&lt;hex HMAC-SHA256 of the body keyed by the token&gt;".
/// </summary>
public sealed class GenericNotifier : INotifier
{
    public const string ComponentHeader = "gotk-component";
    private readonly ProviderSettings _settings;
    private readonly ProviderHttp _http;
    private readonly byte[]? _hmacKey;

    public GenericNotifier(ProviderSettings settings, ProviderHttp http, bool hmac)
    {
        ArgumentNullException.ThrowIfNull(settings);
        NotifierAddress.RequireUrl(settings.Address, "address");
        if (hmac && string.IsNullOrEmpty(settings.Token))
        {
            throw new NotifierConfigException("HMAC key is empty: the secretRef needs a 'token'");
        }

        _settings = settings;
        _http = http;
        _hmacKey = hmac ? Encoding.UTF8.GetBytes(settings.Token!) : null;
    }

    public async Task PostAsync(NotificationEvent ev, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ev);
        var body = GoJson.Serialize(ev.ToJson());
        var headers = new List<KeyValuePair<string, string>> { new(ComponentHeader, ev.ReportingController) };
        headers.AddRange(_settings.Headers);
        if (_hmacKey is not null)
        {
            headers.Add(new("X-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(_hmacKey, Encoding.UTF8.GetBytes(body)))));
        }

        await _http.SendAsync(_settings, () => ProviderHttp.JsonPost(_settings.Address, body, headers), cancellationToken);
    }
}
