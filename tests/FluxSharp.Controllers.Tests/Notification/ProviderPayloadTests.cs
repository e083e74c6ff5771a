using System.Security.Cryptography;
using System.Text;
using FluxSharp.Api.Notification.V1beta3;
using FluxSharp.Controllers.Notification;
using FluxSharp.Controllers.Notification.Notifiers;
using FluxSharp.Controllers.Tests.Infrastructure;
using k8s.Models;

namespace FluxSharp.Controllers.Tests.Notification;

/// <summary>
/// Each provider type against a real HTTP listener on 127.0.0.1: the exact request (method, path, headers, body)
/// its service expects, as Flux's notifier sends it. Bodies are compared byte for byte with golden/&lt;type&gt;.json
/// (FLUXSHARP_UPDATE_GOLDEN=1 rewrites them; review the diff).
/// </summary>
public sealed class ProviderPayloadTests : IAsyncLifetime
{
    private const string Sha = "5394cb7f48332b2de7c17dd8b8384bbc84b7e738";
    private CapturingListener _listener = null!;
    private readonly ProviderHttp _http = new(TimeProvider.System) { RetryWaitMin = TimeSpan.FromMilliseconds(10), RetryWaitMax = TimeSpan.FromMilliseconds(50) };

    public async Task InitializeAsync() => _listener = await CapturingListener.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _listener.DisposeAsync();
    }

    /// <summary>A failed Kustomization event as the dispatcher hands it to providers (metadata already combined).</summary>
    public static NotificationEvent SampleEvent(string severity = NotificationEvent.SeverityError, string reason = "HealthCheckFailed") => new()
    {
        InvolvedObject = new V1ObjectReference { Kind = "Kustomization", NamespaceProperty = "flux-system", Name = "podinfo", Uid = "7d0cdc51-ddcd-4954-b7d2-6d2c5d0e3b3a", ApiVersion = "kustomize.toolkit.fluxcd.io/v1", ResourceVersion = "56921" },
        Severity = severity,
        Timestamp = new DateTimeOffset(2026, 12, 5, 6, 0, 0, TimeSpan.Zero),
        Message = "health check failed after 30s: timeout waiting for: [Deployment/apps/podinfo status: 'InProgress'] & <more>",
        Reason = reason,
        Metadata = new Dictionary<string, string> { ["revision"] = $"main@sha1:{Sha}", ["summary"] = "cluster: prod-eu", ["env"] = "prod" },
        ReportingController = "kustomize-controller",
        ReportingInstance = "kustomize-controller-7f5c6d8d9-abcde",
    };

    private ProviderSettings Settings(string type, string? address = null, string? token = null, IReadOnlyDictionary<string, string>? headers = null, string? channel = null, string? username = null) => new()
    {
        Type = type,
        Name = "flux-system/p",
        ProviderUid = "0c7f5a53-1111-2222-3333-444455556666",
        Address = address ?? new Uri(_listener.Url, "hook/T000/B000/XXX").ToString(),
        Token = token,
        Headers = headers ?? new Dictionary<string, string>(),
        Channel = channel,
        Username = username,
        CommitStatus = type == ProviderTypes.GitHub ? CommitStatus.DefaultKey("0c7f5a53-1111-2222-3333-444455556666", SampleEvent()) : null,
    };

    private async Task<CapturedRequest> SendOneAsync(ProviderSettings settings, NotificationEvent? ev = null)
    {
        await NotifierFactory.Create(settings, _http).PostAsync(ev ?? SampleEvent(), CancellationToken.None);
        return Assert.Single(_listener.Requests);
    }

    private static void AssertGolden(string name, string actual)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Notification", "golden", name);
        if (Environment.GetEnvironmentVariable("FLUXSHARP_UPDATE_GOLDEN") == "1")
        {
            var source = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "Notification", "golden", name);
            File.WriteAllText(source, actual + "\n");
            return;
        }

        Assert.Equal(File.ReadAllText(path).TrimEnd('\n'), actual);
    }

    [Fact]
    public async Task GenericPostsFluxEventJsonWithComponentAndCustomHeaders()
    {
        var request = await SendOneAsync(Settings(ProviderTypes.Generic, headers: new Dictionary<string, string> { ["X-Team"] = "platform" }));
        Assert.Equal("POST", request.Method);
        Assert.Equal("/hook/T000/B000/XXX", request.PathAndQuery);
        Assert.Equal("application/json", request.Header("Content-Type"));
        Assert.Equal("kustomize-controller", request.Header("gotk-component"));
        Assert.Equal("platform", request.Header("X-Team"));
        Assert.Null(request.Header("X-Signature"));
        AssertGolden("generic.json", request.Body);
    }

    [Fact]
    public async Task GenericHmacSignsTheExactBodyWithTheToken()
    {
        var request = await SendOneAsync(Settings(ProviderTypes.GenericHmac, token: "s3cr3t-hmac-key"));
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("s3cr3t-hmac-key"), Encoding.UTF8.GetBytes(request.Body)));
        Assert.Equal(expected, request.Header("X-Signature"));
        AssertGolden("generic.json", request.Body);
    }

    [Fact]
    public void GenericHmacWithoutTokenIsRefusedNamingTheKey()
    {
        var e = Assert.Throws<NotifierConfigException>(() => NotifierFactory.Create(Settings(ProviderTypes.GenericHmac), _http));
        Assert.Contains("'token'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlackPostsAnAttachmentWithBearerTokenChannelAndUsername()
    {
        var request = await SendOneAsync(Settings(ProviderTypes.Slack, token: "xoxb-123", channel: "#alerts", username: "flux"));
        Assert.Equal("Bearer xoxb-123", request.Header("Authorization"));
        AssertGolden("slack.json", request.Body);
    }

    [Fact]
    public async Task SlackWithoutUsernamePostsAsTheReportingController()
    {
        var request = await SendOneAsync(Settings(ProviderTypes.Slack), SampleEvent(NotificationEvent.SeverityInfo, "ReconciliationSucceeded"));
        Assert.Null(request.Header("Authorization"));
        AssertGolden("slack-info.json", request.Body);
    }

    [Fact]
    public async Task DiscordPostsSlackBodyToTheSlackPathWithoutChannelOrToken()
    {
        var request = await SendOneAsync(Settings(ProviderTypes.Discord, token: "unused", channel: "#ignored"));
        Assert.Equal("/hook/T000/B000/XXX/slack", request.PathAndQuery);
        Assert.Null(request.Header("Authorization"));
        AssertGolden("discord.json", request.Body);
    }

    [Fact]
    public async Task RocketPostsSlackBodyWithRocketColours()
    {
        var request = await SendOneAsync(Settings(ProviderTypes.Rocket, channel: "#flux"));
        Assert.Equal("/hook/T000/B000/XXX", request.PathAndQuery);
        AssertGolden("rocket.json", request.Body);
    }

    [Fact]
    public async Task GoogleChatPostsACardWithRedErrorTextAndMetadataWidgets()
    {
        var request = await SendOneAsync(Settings(ProviderTypes.GoogleChat));
        AssertGolden("googlechat.json", request.Body);
    }

    [Fact]
    public async Task WebexPostsMarkdownToTheRoomWithBearerToken()
    {
        var request = await SendOneAsync(Settings(ProviderTypes.Webex, token: "webex-token", channel: "room-1"));
        Assert.Equal("Bearer webex-token", request.Header("Authorization"));
        AssertGolden("webex.json", request.Body);
    }

    [Fact]
    public async Task MsTeamsPostsAnAdaptiveCardWithSummaryFirst()
    {
        var request = await SendOneAsync(Settings(ProviderTypes.MsTeams));
        AssertGolden("msteams.json", request.Body);
    }

    [Fact]
    public void MsTeamsLegacyConnectorGetsAMessageCard()
    {
        AssertGolden("msteams-messagecard.json", GoJson.Serialize(MsTeamsNotifier.MessageCard(SampleEvent())));
    }

    [Fact]
    public async Task GitHubSetsAFailureCommitStatusOnTheRevision()
    {
        _listener.Respond = r => r.Method == "GET" ? (200, "[]") : (201, "{}");
        var settings = Settings(ProviderTypes.GitHub, address: new Uri(_listener.Url, "stefanprodan/podinfo.git").ToString(), token: "ghp_token");
        await NotifierFactory.Create(settings, _http).PostAsync(SampleEvent(), CancellationToken.None);
        var requests = _listener.Requests;
        Assert.Equal(2, requests.Count);
        Assert.Equal("GET", requests[0].Method);
        Assert.Equal($"/api/v3/repos/stefanprodan/podinfo/commits/{Sha}/statuses?per_page=50", requests[0].PathAndQuery);
        var post = requests[1];
        Assert.Equal("POST", post.Method);
        Assert.Equal($"/api/v3/repos/stefanprodan/podinfo/statuses/{Sha}", post.PathAndQuery);
        Assert.Equal("Bearer ghp_token", post.Header("Authorization"));
        Assert.Equal("application/vnd.github.v3+json", post.Header("Accept"));
        Assert.Equal("2022-11-28", post.Header("X-GitHub-Api-Version"));
        Assert.NotNull(post.Header("User-Agent"));
        AssertGolden("github.json", post.Body);
    }

    [Fact]
    public async Task GitHubDoesNotRepeatTheLatestIdenticalStatus()
    {
        var context = CommitStatus.DefaultKey("0c7f5a53-1111-2222-3333-444455556666", SampleEvent());
        _listener.Respond = _ => (200, $$"""[{"state":"failure","description":"health check failed","context":"{{context}}"}]""");
        var settings = Settings(ProviderTypes.GitHub, address: new Uri(_listener.Url, "stefanprodan/podinfo").ToString(), token: "ghp_token");
        await NotifierFactory.Create(settings, _http).PostAsync(SampleEvent(), CancellationToken.None);
        Assert.Equal("GET", Assert.Single(_listener.Requests).Method);
    }

    [Fact]
    public async Task GitHubSkipsProgressingEvents()
    {
        var settings = Settings(ProviderTypes.GitHub, address: new Uri(_listener.Url, "o/r").ToString(), token: "t");
        await NotifierFactory.Create(settings, _http).PostAsync(SampleEvent(NotificationEvent.SeverityInfo, "Progressing"), CancellationToken.None);
        Assert.Empty(_listener.Requests);
    }

    [Fact]
    public void CommitStatusKeyAndDescriptionAreFluxs()
    {
        Assert.Equal("kustomization/podinfo/0c7f5a53", CommitStatus.DefaultKey("0c7f5a53-1111-2222-3333-444455556666", SampleEvent()));
        Assert.Equal("health check failed", CommitStatus.Description(SampleEvent()));
        Assert.Equal(["PDF", "Loader"], CommitStatus.SplitCamelCase("PDFLoader"));
        Assert.Equal(Sha, CommitStatus.CommitOf($"main@sha1:{Sha}"));
        Assert.Equal(Sha, CommitStatus.CommitOf($"main/{Sha}"));
        Assert.Equal(("https://github.com", "org/repo"), CommitStatus.ParseGitAddress("git@github.com:org/repo.git"));
    }

    [Fact]
    public void UnsupportedTypesSaySoNeverSilently()
    {
        var e = Assert.Throws<NotifierConfigException>(() => NotifierFactory.Create(Settings(ProviderTypes.Otel), _http));
        Assert.Equal("provider type 'otel' is not supported yet by FluxSharp", e.Message);
    }

    [Fact]
    public async Task ServerErrorsAreRetriedWithBackoffThenSucceed()
    {
        var calls = 0;
        _listener.Respond = _ => Interlocked.Increment(ref calls) < 3 ? (503, "busy") : (200, "ok");
        await NotifierFactory.Create(Settings(ProviderTypes.Generic), _http).PostAsync(SampleEvent(), CancellationToken.None);
        Assert.Equal(3, _listener.Requests.Count);
    }

    [Fact]
    public async Task ClientErrorsAreNotRetriedAndNameTheStatus()
    {
        _listener.Respond = _ => (400, "bad payload");
        var e = await Assert.ThrowsAsync<ProviderRequestException>(() => NotifierFactory.Create(Settings(ProviderTypes.Generic), _http).PostAsync(SampleEvent(), CancellationToken.None));
        Assert.Single(_listener.Requests);
        Assert.Contains("status code 400", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("/hook/", e.Message, StringComparison.Ordinal);
    }
}
