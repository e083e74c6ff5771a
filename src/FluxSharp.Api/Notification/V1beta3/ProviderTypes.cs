namespace FluxSharp.Api.Notification.V1beta3;

/// <summary>The values of Provider spec.type, in Flux's words.</summary>
public static class ProviderTypes
{
    public const string Generic = "generic";
    public const string GenericHmac = "generic-hmac";
    public const string Slack = "slack";
    public const string Grafana = "grafana";
    public const string Discord = "discord";
    public const string MsTeams = "msteams";
    public const string Rocket = "rocket";
    public const string GitHubDispatch = "githubdispatch";
    public const string GitHub = "github";
    public const string GitHubPullRequestComment = "githubpullrequestcomment";
    public const string GitLab = "gitlab";
    public const string GitLabMergeRequestComment = "gitlabmergerequestcomment";
    public const string Gitea = "gitea";
    public const string GiteaPullRequestComment = "giteapullrequestcomment";
    public const string BitbucketServer = "bitbucketserver";
    public const string Bitbucket = "bitbucket";
    public const string AzureDevOps = "azuredevops";
    public const string GoogleChat = "googlechat";
    public const string GooglePubSub = "googlepubsub";
    public const string Webex = "webex";
    public const string Sentry = "sentry";
    public const string AzureEventHub = "azureeventhub";
    public const string Telegram = "telegram";
    public const string Lark = "lark";
    public const string Matrix = "matrix";
    public const string Opsgenie = "opsgenie";
    public const string AlertManager = "alertmanager";
    public const string PagerDuty = "pagerduty";
    public const string DataDog = "datadog";
    public const string Nats = "nats";
    public const string Zulip = "zulip";
    public const string Otel = "otel";
    public const string Zoom = "zoom";
    public const string IncidentIo = "incident.io";

    /// <summary>Every type, in the order of Flux's enum.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Slack, Discord, MsTeams, Rocket, Generic, GenericHmac, GitHub, GitLab, Gitea, GiteaPullRequestComment, BitbucketServer,
        Bitbucket, AzureDevOps, GoogleChat, GooglePubSub, Webex, Sentry, AzureEventHub, Telegram, Lark, Matrix, Opsgenie,
        AlertManager, Grafana, GitHubDispatch, GitHubPullRequestComment, GitLabMergeRequestComment, PagerDuty, DataDog, Nats,
        Zulip, Otel, Zoom, IncidentIo,
    ];

    /// <summary>The types that set a commit status from the revision in the event.</summary>
    public static IReadOnlyList<string> CommitStatus { get; } = [GitHub, GitLab, Gitea, BitbucketServer, Bitbucket, AzureDevOps];
}
