using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FluxSharp.Api.Notification.V1beta3;
using FluxSharp.Controllers.Notification;
using FluxSharp.Controllers.Tests.Infrastructure;
using FluxSharp.Testing;
using k8s;
using k8s.Models;
using static FluxSharp.Controllers.Tests.Infrastructure.KustomizeControllerFixture;

namespace FluxSharp.Controllers.Tests.Notification;

/// <summary>
/// Alerts end to end on the local control plane with the source, kustomize and notification controllers and
/// provider endpoints on 127.0.0.1: controllers' events and events POSTed to the events address reach the Alerts'
/// providers; duplicates are rate-limited; suspended Alerts drop; a hanging provider delays nothing else.
/// </summary>
public sealed class AlertDeliveryTests : IClassFixture<NotificationFixture>, IAsyncLifetime
{
    private readonly NotificationFixture _f;
    private CapturingListener _hook = null!;

    public AlertDeliveryTests(NotificationFixture f) => _f = f;

    public async Task InitializeAsync() => _hook = await CapturingListener.StartAsync();

    public async Task DisposeAsync() => await _hook.DisposeAsync();

    private Task<IReadOnlyList<CapturedRequest>> WaitRequestsAsync(CapturingListener listener, Func<IReadOnlyList<CapturedRequest>, bool> done, string what) =>
        Eventually.WaitAsync(() => Task.FromResult(listener.Requests), done, DefaultTimeout, what);

    private async Task<string> GenericAlertAsync(string ns, CapturingListener listener, string severity = "info", string name = "alert", bool suspend = false, string kind = "Kustomization")
    {
        await _f.CreateProviderAsync(ns, name + "-provider", new ProviderSpec { Type = ProviderTypes.Generic, Address = listener.Url.ToString() });
        await _f.CreateAlertAsync(ns, name, new AlertSpec
        {
            ProviderRef = new() { Name = name + "-provider" },
            EventSeverity = severity,
            EventSources = [new() { Kind = kind, Name = "*" }],
            Suspend = suspend,
        });
        return name;
    }

    private static string EventJson(string ns, string message, string severity = "info") => $$"""
        {"involvedObject":{"kind":"GitRepository","namespace":"{{ns}}","name":"external","apiVersion":"source.toolkit.fluxcd.io/v1"},
         "severity":"{{severity}}","timestamp":"2026-12-05T06:00:00Z","message":"{{message}}","reason":"Succeeded",
         "metadata":{"source.toolkit.fluxcd.io/revision":"main@sha1:abc","source.toolkit.fluxcd.io/checksum":"x"},
         "reportingController":"source-controller"}
        """;

    private Task<HttpResponseMessage> PostEventAsync(string json) =>
        _f.Http.PostAsync(_f.Manager.EventsUrl, new StringContent(json, Encoding.UTF8, "application/json"));

    [Fact]
    public async Task FailingKustomizationDeliversAnErrorAlertWithObjectAndRevision()
    {
        var (ns, _, sha) = await _f.SourceAsync(new Dictionary<string, string>
        {
            ["app/w.yaml"] = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\nspec:\n  size: 1\n",
        });
        await GenericAlertAsync(ns, _hook, severity: "error");
        await _f.CreateAsync(NewKustomization(ns, "app", "./app"));

        var requests = await WaitRequestsAsync(_hook, r => r.Count > 0, "an error alert");
        var ev = JsonNode.Parse(requests[0].Body)!;
        Assert.Equal("error", (string?)ev["severity"]);
        Assert.Equal("Kustomization", (string?)ev["involvedObject"]?["kind"]);
        Assert.Equal("app", (string?)ev["involvedObject"]?["name"]);
        Assert.Equal(ns, (string?)ev["involvedObject"]?["namespace"]);
        Assert.Equal($"main@sha1:{sha}", (string?)ev["metadata"]?["revision"]);
        Assert.Contains("Widget", (string?)ev["message"], StringComparison.Ordinal);
        Assert.Equal("kustomize-controller", requests[0].Header("gotk-component"));
        Assert.All(requests, r => Assert.Equal("error", (string?)JsonNode.Parse(r.Body)!["severity"]));
    }

    [Fact]
    public async Task PostedEventsAreAcceptedDispatchedAndDuplicatesRateLimited()
    {
        var ns = await _f.NewNamespaceAsync();
        await GenericAlertAsync(ns, _hook, kind: "GitRepository");

        using var first = await PostEventAsync(EventJson(ns, "stored artifact"));
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var requests = await WaitRequestsAsync(_hook, r => r.Count > 0, "the posted event");
        var ev = JsonNode.Parse(requests[0].Body)!;
        Assert.Equal("stored artifact", (string?)ev["message"]);
        Assert.Equal("main@sha1:abc", (string?)ev["metadata"]?["revision"]);
        Assert.Null(ev["metadata"]?["checksum"]);

        using var duplicate = await PostEventAsync(EventJson(ns, "stored artifact"));
        Assert.Equal(HttpStatusCode.TooManyRequests, duplicate.StatusCode);

        using var next = await PostEventAsync(EventJson(ns, "stored another artifact"));
        Assert.Equal(HttpStatusCode.Accepted, next.StatusCode);
        requests = await WaitRequestsAsync(_hook, r => r.Count >= 2, "the second event");
        Assert.Equal(2, requests.Count);
        Assert.Equal("stored another artifact", (string?)JsonNode.Parse(requests[1].Body)!["message"]);
    }

    [Fact]
    public async Task MalformedAndOversizedEventsAreRefused()
    {
        using var bad = await PostEventAsync("{not json");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using var huge = await PostEventAsync(new string(' ', (3 * 1024 * 1024) + 10));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
    }

    [Fact]
    public async Task SuspendedAlertDropsEvents()
    {
        var ns = await _f.NewNamespaceAsync();
        await using var suspendedHook = await CapturingListener.StartAsync();
        await GenericAlertAsync(ns, suspendedHook, name: "suspended", suspend: true, kind: "GitRepository");
        await GenericAlertAsync(ns, _hook, name: "active", kind: "GitRepository");

        foreach (var message in new[] { "one", "two" })
        {
            using var posted = await PostEventAsync(EventJson(ns, message));
            Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        }

        await WaitRequestsAsync(_hook, r => r.Count >= 2, "both events on the active alert");
        Assert.Empty(suspendedHook.Requests);
    }

    [Fact]
    public async Task HangingProviderDelaysNeitherReconcilesNorOtherProviders()
    {
        var (ns, _, _) = await _f.SourceAsync(new Dictionary<string, string> { ["app/cm.yaml"] = ConfigMap("cm", "k: v") });
        await using var hanging = await CapturingListener.StartAsync();
        hanging.Hang = true;
        await GenericAlertAsync(ns, hanging, name: "hangs");
        await GenericAlertAsync(ns, _hook, name: "works");
        var ks = NewKustomization(ns, "app", "./app");
        await _f.CreateAsync(ks with { Spec = ks.Spec with { TargetNamespace = ns } });
        await _f.WaitReadyAsync(ns, "app");
        await WaitRequestsAsync(hanging, r => r.Count > 0, "the hanging provider called");

        // Every reconcile records events for both providers; the hanging one holds its requests open meanwhile.
        var started = DateTimeOffset.UtcNow;
        await _f.ReconcileOnceAsync(ns, "app");
        await _f.ReconcileOnceAsync(ns, "app");
        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(10), $"two reconciles took {DateTimeOffset.UtcNow - started}");
        await WaitRequestsAsync(_hook, r => r.Count >= 2, "the working provider keeps receiving");
    }

    [Fact]
    public async Task DeliveryFailuresAreWarningsOnTheAlertWithoutSecrets()
    {
        var ns = await _f.NewNamespaceAsync();
        _hook.Respond = _ => (500, "down");
        var address = new Uri(_hook.Url, "hooks/secret-token-123").ToString();
        await _f.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new() { Name = "hook" }, StringData = new Dictionary<string, string> { ["address"] = address } }, ns);
        await _f.CreateProviderAsync(ns, "p", new ProviderSpec { Type = ProviderTypes.Generic, SecretRef = new() { Name = "hook" }, Timeout = "1s" });
        await _f.CreateProviderAsync(ns, "otel", new ProviderSpec { Type = ProviderTypes.Otel, Address = "https://otel.example.com" });
        await _f.CreateAlertAsync(ns, "a", new AlertSpec { ProviderRef = new() { Name = "p" }, EventSources = [new() { Kind = "GitRepository", Name = "*" }] });
        await _f.CreateAlertAsync(ns, "b", new AlertSpec { ProviderRef = new() { Name = "otel" }, EventSources = [new() { Kind = "GitRepository", Name = "*" }] });
        using var posted = await PostEventAsync(EventJson(ns, "will fail"));

        var warnings = await Eventually.WaitAsync(() => _f.AlertEventsAsync(ns, "a"), e => e.Count > 0, DefaultTimeout, "a warning on the alert");
        var warning = warnings[0];
        Assert.Equal("Warning", warning.Type);
        Assert.Equal("NotificationDispatchFailed", warning.Reason);
        Assert.Contains("GitRepository/" + ns + "/external", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token-123", warning.Message, StringComparison.Ordinal);
        var unsupported = await Eventually.WaitAsync(() => _f.AlertEventsAsync(ns, "b"), e => e.Count > 0, DefaultTimeout, "a warning on the otel alert");
        Assert.Contains("provider type 'otel' is not supported yet", unsupported[0].Message, StringComparison.Ordinal);
    }
}
