using FluxSharp.Api.Notification.V1beta3;

namespace FluxSharp.Controllers.Notification.Notifiers;

/// <summary>The notifier of a provider type; types FluxSharp does not implement yet fail with a message saying so.</summary>
public static class NotifierFactory
{
    /// <summary>The types FluxSharp sends; the others are "not supported yet".</summary>
    public static IReadOnlySet<string> Supported { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        ProviderTypes.Generic, ProviderTypes.GenericHmac, ProviderTypes.Slack, ProviderTypes.MsTeams, ProviderTypes.GitHub,
        ProviderTypes.Discord, ProviderTypes.Rocket, ProviderTypes.GoogleChat, ProviderTypes.Webex,
    };

    public static INotifier Create(ProviderSettings settings, ProviderHttp http)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Type switch
        {
            ProviderTypes.Generic => new GenericNotifier(settings, http, hmac: false),
            ProviderTypes.GenericHmac => new GenericNotifier(settings, http, hmac: true),
            ProviderTypes.Slack => new SlackNotifier(settings, http),
            ProviderTypes.Discord => new SlackNotifier(settings, http, SlackFlavor.Discord),
            ProviderTypes.Rocket => new SlackNotifier(settings, http, SlackFlavor.Rocket),
            ProviderTypes.GoogleChat => new GoogleChatNotifier(settings, http),
            ProviderTypes.Webex => new WebexNotifier(settings, http),
            ProviderTypes.MsTeams => new MsTeamsNotifier(settings, http),
            ProviderTypes.GitHub => new GitHubNotifier(settings, http),
            _ => throw new NotifierConfigException($"provider type '{settings.Type}' is not supported yet by FluxSharp"),
        };
    }
}
