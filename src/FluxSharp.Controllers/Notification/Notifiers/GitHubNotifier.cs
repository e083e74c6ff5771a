using System.Text.Json.Nodes;

namespace FluxSharp.Controllers.Notification.Notifiers;

/// <summary>
/// github: sets a commit status on the event's revision through the GitHub REST API (api.github.com, or
/// &lt;host&gt;/api/v3 for GitHub Enterprise): state success for info, failure for error; context the commit status
/// key; description the reason in words. A status identical to the latest one with that context is not sent again.
/// </summary>
public sealed class GitHubNotifier : INotifier
{
    private readonly ProviderSettings _settings;
    private readonly ProviderHttp _http;
    private readonly string _api;
    private readonly string _owner;
    private readonly string _repo;
    private readonly string _token;
    private readonly string _context;

    public GitHubNotifier(ProviderSettings settings, ProviderHttp http)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _token = settings.Token is { Length: > 0 } t ? t : settings.Password is { Length: > 0 } p ? p
            : throw new NotifierConfigException("github token or github app details must be specified (GitHub App authentication is not supported yet by FluxSharp)");
        _context = settings.CommitStatus is { Length: > 0 } c ? c : throw new NotifierConfigException("commit status cannot be empty");
        (_api, _owner, _repo) = ApiOf(settings.Address);
        _settings = settings;
        _http = http;
    }

    /// <summary>The REST base URL and owner/repository of a GitHub repository address.</summary>
    public static (string Api, string Owner, string Repo) ApiOf(string address)
    {
        var (host, id) = CommitStatus.ParseGitAddress(address);
        var parts = id.Split('/');
        if (parts.Length != 2)
        {
            throw new NotifierConfigException($"invalid repository id: '{id}'");
        }

        var api = new Uri(host).Host == "github.com" ? "https://api.github.com/" : host + "/api/v3/";
        return (api, parts[0], parts[1]);
    }

    public async Task PostAsync(NotificationEvent ev, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ev);
        if (CommitStatus.IsProgressing(ev))
        {
            return;
        }

        var sha = CommitStatus.CommitOf(ev.Revision);
        var state = ev.Severity switch
        {
            NotificationEvent.SeverityInfo => "success",
            NotificationEvent.SeverityError => "failure",
            _ => throw new NotifierConfigException("can't convert to github state"),
        };
        var description = CommitStatus.Description(ev);
        var repo = $"{_api}repos/{Uri.EscapeDataString(_owner)}/{Uri.EscapeDataString(_repo)}";
        var listed = await _http.SendAsync(_settings, () => ProviderHttp.Request(HttpMethod.Get, $"{repo}/commits/{sha}/statuses?per_page=50", null, null, Headers()), cancellationToken);
        if (JsonNode.Parse(listed.Body) is JsonArray statuses
            && statuses.OfType<JsonObject>().FirstOrDefault(s => s["context"]?.GetValue<string>() == _context) is { } latest
            && latest["state"]?.GetValue<string>() == state && latest["description"]?.GetValue<string>() == description)
        {
            return;
        }

        var body = GoJson.Serialize(new JsonObject { ["state"] = state, ["description"] = description, ["context"] = _context });
        await _http.SendAsync(_settings, () => ProviderHttp.JsonPost($"{repo}/statuses/{sha}", body, Headers()), cancellationToken);
    }

    private KeyValuePair<string, string>[] Headers() =>
    [
        new("Authorization", "Bearer " + _token),
        new("Accept", "application/vnd.github.v3+json"),
        new("X-GitHub-Api-Version", "2022-11-28"),
    ];
}
