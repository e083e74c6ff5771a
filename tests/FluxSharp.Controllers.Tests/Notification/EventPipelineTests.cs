using System.Text.Json.Nodes;
using FluxSharp.Controllers.Notification;
using Microsoft.Extensions.Time.Testing;

namespace FluxSharp.Controllers.Tests.Notification;

/// <summary>The pieces of the pipeline on their own: Flux's event JSON, metadata cleaning and combining, rate limiting, matching.</summary>
public sealed class EventPipelineTests
{
    private static NotificationEvent Event(string message = "Reconciliation finished", IReadOnlyDictionary<string, string>? metadata = null) => ProviderPayloadTests.SampleEvent() with
    {
        Message = message,
        Metadata = metadata ?? new Dictionary<string, string> { ["kustomize.toolkit.fluxcd.io/revision"] = "main@sha1:abc" },
    };

    [Fact]
    public void IdenticalEventsAreRateLimitedWithinTheWindow()
    {
        var time = new FakeTimeProvider();
        var limiter = new EventRateLimiter(TimeSpan.FromMinutes(5), time);
        Assert.True(limiter.TryAdmit(Event()));
        Assert.False(limiter.TryAdmit(Event()));
        Assert.True(limiter.TryAdmit(Event("another message")));
        Assert.True(limiter.TryAdmit(Event(metadata: new Dictionary<string, string> { ["kustomize.toolkit.fluxcd.io/revision"] = "main@sha1:def" })));
        time.Advance(TimeSpan.FromMinutes(4));
        Assert.False(limiter.TryAdmit(Event()));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(limiter.TryAdmit(Event()));
    }

    [Fact]
    public void OldRateLimitKeysAreSweptToBoundMemory()
    {
        var time = new FakeTimeProvider();
        var limiter = new EventRateLimiter(TimeSpan.FromMinutes(5), time);
        for (var i = 0; i < 100; i++)
        {
            limiter.TryAdmit(Event($"m{i}"));
        }

        time.Advance(TimeSpan.FromMinutes(11));
        limiter.TryAdmit(Event("new"));
        Assert.Equal(1, limiter.Count);
    }

    [Fact]
    public void MetadataOfOtherGroupsChecksumAndDigestAreCleanedAndTheTokenIsInternal()
    {
        var ev = Event(metadata: new Dictionary<string, string>
        {
            ["kustomize.toolkit.fluxcd.io/revision"] = "r",
            ["kustomize.toolkit.fluxcd.io/checksum"] = "c",
            ["kustomize.toolkit.fluxcd.io/digest"] = "d",
            ["kustomize.toolkit.fluxcd.io/token"] = "t",
            ["event.toolkit.fluxcd.io/team"] = "a",
            ["other.io/x"] = "y",
        });
        var cleaned = EventMetadata.Clean(ev);
        Assert.Equal(["event.toolkit.fluxcd.io/team", "kustomize.toolkit.fluxcd.io/revision", "kustomize.toolkit.fluxcd.io/token"], cleaned.Metadata.Keys.Order(StringComparer.Ordinal));
        Assert.DoesNotContain("kustomize.toolkit.fluxcd.io/token", EventMetadata.WithoutInternal(cleaned).Metadata.Keys);
    }

    [Fact]
    public void MetadataCombinesInFluxsPrecedenceAndReportsConflicts()
    {
        var ev = Event(metadata: new Dictionary<string, string>
        {
            ["event.toolkit.fluxcd.io/env"] = "from-annotation",
            ["event.toolkit.fluxcd.io/team"] = "a",
            ["kustomize.toolkit.fluxcd.io/revision"] = "main@sha1:abc",
            ["kustomize.toolkit.fluxcd.io/env"] = "from-controller",
        });
        var alert = new Api.Notification.V1beta3.Alert
        {
            Spec = new() { EventMetadata = new Dictionary<string, string> { ["env"] = "from-alert", ["cluster"] = "prod" }, Summary = "sum" },
        };
        var combined = EventMetadata.Combine(ev, alert, out var conflicts);
        Assert.Equal("from-controller", combined.Metadata["env"]);
        Assert.Equal("prod", combined.Metadata["cluster"]);
        Assert.Equal("sum", combined.Metadata["summary"]);
        Assert.Equal("a", combined.Metadata["team"]);
        Assert.Equal("main@sha1:abc", combined.Revision);
        Assert.Equal("involved object annotations, Alert object .spec.eventMetadata, involved object controller metadata", Assert.Single(conflicts).Value);
    }

    [Fact]
    public void FluxEventJsonReadsBackAsWrittenAndBadBodiesAreRefused()
    {
        var ev = ProviderPayloadTests.SampleEvent();
        var json = GoJson.Serialize(ev.ToJson());
        var parsed = NotificationEvent.Parse(System.Text.Encoding.UTF8.GetBytes(json));
        Assert.Equal(json, GoJson.Serialize(parsed.ToJson()));
        Assert.Throws<FormatException>(() => NotificationEvent.Parse("not json"u8));
        Assert.Throws<FormatException>(() => NotificationEvent.Parse("""{"involvedObject":{},"severity":"fatal"}"""u8));
        Assert.Throws<FormatException>(() => NotificationEvent.Parse("""{"severity":"info"}"""u8));
    }

    [Fact]
    public async Task AlertsMatchKindNamespaceNameSeverityAndRegexesAsFlux()
    {
        var matcher = new AlertMatcher((_, _) => Task.FromResult<IDictionary<string, string>?>(new Dictionary<string, string> { ["team"] = "a" }));
        Api.Notification.V1beta3.Alert Alert(string name = "*", string? ns = null, string severity = "info", IList<string>? include = null, IList<string>? exclude = null, IDictionary<string, string>? labels = null, bool suspend = false) => new()
        {
            Metadata = new() { Name = "a", NamespaceProperty = "flux-system" },
            Spec = new()
            {
                EventSeverity = severity,
                EventSources = [new() { Kind = "Kustomization", Name = name, Namespace = ns, MatchLabels = labels }],
                InclusionList = include,
                ExclusionList = exclude,
                Suspend = suspend,
            },
        };
        var ev = Event("health check failed") with { Severity = NotificationEvent.SeverityInfo };
        var problems = new List<AlertProblem>();
        Assert.True(await matcher.MatchesAsync(Alert(), ev, problems, default));
        Assert.True(await matcher.MatchesAsync(Alert("podinfo"), ev, problems, default));
        Assert.False(await matcher.MatchesAsync(Alert("other"), ev, problems, default));
        Assert.False(await matcher.MatchesAsync(Alert(ns: "apps"), ev, problems, default));
        Assert.False(await matcher.MatchesAsync(Alert(severity: "error"), ev, problems, default));
        Assert.True(await matcher.MatchesAsync(Alert(severity: "error"), ev with { Severity = NotificationEvent.SeverityError }, problems, default));
        Assert.True(await matcher.MatchesAsync(Alert(include: ["^health"]), ev, problems, default));
        Assert.False(await matcher.MatchesAsync(Alert(include: ["^finished"]), ev, problems, default));
        Assert.False(await matcher.MatchesAsync(Alert(exclude: ["check"]), ev, problems, default));
        Assert.True(await matcher.MatchesAsync(Alert(labels: new Dictionary<string, string> { ["team"] = "a" }), ev, problems, default));
        Assert.False(await matcher.MatchesAsync(Alert(labels: new Dictionary<string, string> { ["team"] = "b" }), ev, problems, default));
        Assert.False(await matcher.MatchesAsync(Alert(suspend: true), ev, problems, default));
        Assert.Empty(problems);
        Assert.False(await matcher.MatchesAsync(Alert(include: ["(unclosed"]), ev, problems, default));
        Assert.Equal(new AlertProblem("InvalidConfig", "failed to compile inclusion regex: (unclosed"), Assert.Single(problems));
    }

    [Fact]
    public void GoJsonEscapesAsGo()
    {
        Assert.Equal("""{"a":"\u003cb\u003e \u0026 \"q\" \n é"}""", GoJson.Serialize(new JsonObject { ["a"] = "<b> & \"q\" \n é" }));
    }
}
