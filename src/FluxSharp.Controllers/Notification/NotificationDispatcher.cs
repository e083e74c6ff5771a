using System.Collections.Concurrent;
using System.Threading.Channels;
using FluxSharp.Api.Notification.V1beta3;
using FluxSharp.Controllers.Notification.Notifiers;
using FluxSharp.Kubernetes.Client;
using FluxSharp.Kubernetes.Runtime;
using Microsoft.Extensions.Logging;

namespace FluxSharp.Controllers.Notification;

/// <summary>
/// The alert pipeline, as notification-controller's event server: every event (recorded in-process or POSTed to the
/// events endpoint) is cleaned and rate-limited when it arrives, then matched against the Alerts; each matching
/// Alert's Provider gets the event, with the Alert's metadata, on its own queue. Problems are Warning events on the
/// Alert (InvalidConfig, NotificationDispatchFailed, ...) and log lines, never secrets.
/// </summary>
public sealed partial class NotificationDispatcher : IEventSink, IAsyncDisposable
{
    private readonly NotificationOptions _options;
    private readonly Func<IReadOnlyCollection<Alert>> _alerts;
    private readonly Func<string, string, Provider?> _provider;
    private readonly ProviderResolver _resolver;
    private readonly ProviderHttp _http;
    private readonly EventRecorder _events;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly AlertMatcher _matcher;
    private readonly EventRateLimiter _limiter;
    private readonly Channel<NotificationEvent> _incoming;
    private readonly ConcurrentDictionary<string, ProviderQueue> _queues = new(StringComparer.Ordinal);
    private long _dispatched;
    private long _sent;
    private long _failed;

    public NotificationDispatcher(
        NotificationOptions options,
        Func<IReadOnlyCollection<Alert>> alerts,
        Func<string, string, Provider?> provider,
        Func<NotificationEvent, CancellationToken, Task<IDictionary<string, string>?>> labels,
        ProviderResolver resolver,
        ProviderHttp http,
        EventRecorder events,
        ILogger logger,
        TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _alerts = alerts;
        _provider = provider;
        _resolver = resolver;
        _http = http;
        _events = events;
        _logger = logger;
        _time = time;
        _matcher = new AlertMatcher(labels);
        _limiter = new EventRateLimiter(options.RateLimitInterval, time);
        _incoming = Channel.CreateBounded<NotificationEvent>(new BoundedChannelOptions(options.EventQueueCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    }

    /// <summary>Notifications handed to provider queues so far.</summary>
    public long Dispatched => Interlocked.Read(ref _dispatched);

    /// <summary>Notifications a provider took so far.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Notifications that failed (after retries) so far.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Whether the Alert and its Provider are in the dispatcher's cache (watches are asynchronous).</summary>
    public bool Knows(string ns, string alert)
    {
        var found = _alerts().FirstOrDefault(a => a.Metadata.NamespaceProperty == ns && a.Metadata.Name == alert);
        return found is not null && _provider(ns, found.Spec.ProviderRef.Name) is not null;
    }

    /// <summary>Takes an event without blocking: false when it repeats one within the rate-limit window (dropped).</summary>
    public bool Accept(FluxEvent ev) => Accept(NotificationEvent.From(ev));

    public bool Accept(NotificationEvent ev)
    {
        ArgumentNullException.ThrowIfNull(ev);
        var cleaned = EventMetadata.Clean(ev);
        if (!_limiter.TryAdmit(cleaned))
        {
            LogRateLimited(_logger, cleaned.InvolvedObject.Kind, cleaned.InvolvedObject.NamespaceProperty, cleaned.InvolvedObject.Name);
            return false;
        }

        if (!_incoming.Writer.TryWrite(cleaned))
        {
            LogEventQueueFull(_logger, Describe(cleaned));
        }

        return true;
    }

    /// <summary>Matches and dispatches events until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await foreach (var ev in _incoming.Reader.ReadAllAsync(cancellationToken))
        {
            try
            {
                await DispatchAsync(ev, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogDispatchFailed(_logger, Describe(ev), e);
            }
        }
    }

    /// <summary>Forgets the queue of a deleted Provider.</summary>
    public async Task ForgetProviderAsync(string ns, string name)
    {
        if (_queues.TryRemove($"{ns}/{name}", out var queue))
        {
            await queue.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _incoming.Writer.TryComplete();
        foreach (var queue in _queues.Values)
        {
            await queue.DisposeAsync();
        }

        _queues.Clear();
    }

    private static string Describe(NotificationEvent ev) => $"{ev.InvolvedObject.Kind}/{ev.InvolvedObject.NamespaceProperty}/{ev.InvolvedObject.Name}";

    private async Task DispatchAsync(NotificationEvent ev, CancellationToken cancellationToken)
    {
        ev = EventMetadata.WithoutInternal(ev);
        foreach (var alert in _alerts())
        {
            var problems = new List<AlertProblem>();
            var matches = await _matcher.MatchesAsync(alert, ev, problems, cancellationToken);
            foreach (var problem in problems)
            {
                await _events.WarningAsync(alert, problem.Reason, problem.Message, cancellationToken: cancellationToken);
            }

            if (matches)
            {
                await DispatchToAsync(alert, ev, cancellationToken);
            }
        }
    }

    private async Task DispatchToAsync(Alert alert, NotificationEvent ev, CancellationToken cancellationToken)
    {
        var ns = alert.Metadata.NamespaceProperty ?? "default";
        if (_options.NoCrossNamespaceRefs && ev.InvolvedObject.NamespaceProperty != ns)
        {
            await FailAsync(alert, ev, "discarding event, access denied to cross-namespace sources", cancellationToken);
            return;
        }

        var provider = _provider(ns, alert.Spec.ProviderRef.Name);
        if (provider is null)
        {
            await FailAsync(alert, ev, $"failed to read provider: providers.notification.toolkit.fluxcd.io \"{alert.Spec.ProviderRef.Name}\" not found", cancellationToken);
            return;
        }

        if (provider.Spec.Suspend == true || !Wanted(provider.Spec.Type, ev))
        {
            return;
        }

        var notification = EventMetadata.Combine(ev, alert, out var conflicts);
        if (conflicts.Count > 0)
        {
            await _events.RecordAsync(alert, "Warning", "MetadataAppendFailed", "metadata key conflicts detected (please refer to the Alert API docs and Flux RFC 0008 for more information)", conflicts, cancellationToken);
        }

        string? commitStatus = null;
        if (ProviderTypes.CommitStatus.Contains(provider.Spec.Type))
        {
            if (!string.IsNullOrEmpty(provider.Spec.CommitStatusExpr))
            {
                await FailAsync(alert, ev, $"failed to create commit status: spec.commitStatusExpr of provider '{provider.Metadata.Name}' is not supported yet by FluxSharp", cancellationToken);
                return;
            }

            commitStatus = CommitStatus.DefaultKey(provider.Metadata.Uid ?? string.Empty, notification);
        }

        var key = $"{ns}/{provider.Metadata.Name}";
        var queue = _queues.GetOrAdd(key, k => new ProviderQueue(k, _options.ProviderQueueCapacity, _options.SendersPerProvider, SendAsync, _logger));
        if (queue.TryEnqueue(new Delivery(notification, alert, provider, commitStatus)))
        {
            Interlocked.Increment(ref _dispatched);
            LogDispatching(_logger, ev.InvolvedObject.Kind, ev.InvolvedObject.NamespaceProperty, ev.InvolvedObject.Name, ns, alert.Metadata.Name, provider.Metadata.Name);
        }
        else
        {
            await FailAsync(alert, ev, $"the queue of provider '{provider.Metadata.Name}' is full ({_options.ProviderQueueCapacity} notifications waiting)", cancellationToken);
        }
    }

    /// <summary>
    /// Flux's filters by provider kind: commit status updates go only to git and generic providers; git providers
    /// take events with a commit, commit status updates, or errors.
    /// </summary>
    private static bool Wanted(string type, NotificationEvent ev)
    {
        var group = ev.ObjectGroup;
        var statusUpdate = ev.Metadata.TryGetValue(group + "/commit_status", out var s) && s == "update";
        var gitProvider = ProviderTypes.CommitStatus.Contains(type);
        if (!gitProvider && type is not (ProviderTypes.Generic or ProviderTypes.GenericHmac) && statusUpdate)
        {
            return false;
        }

        var hasCommit = ev.Metadata.TryGetValue(NotificationEvent.Group + "/commit", out var commit) && commit.Length > 0;
        return !gitProvider || hasCommit || statusUpdate || ev.Severity == NotificationEvent.SeverityError;
    }

    private async Task SendAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        ProviderSettings? settings = null;
        try
        {
            settings = await _resolver.ResolveAsync(delivery.Provider, delivery.CommitStatus, cancellationToken);
            var notifier = NotifierFactory.Create(settings, _http);
            using var timeout = new CancellationTokenSource(settings.Timeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                await notifier.PostAsync(delivery.Event, linked.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new ProviderRequestException($"timed out after {settings.Timeout.TotalSeconds:0.###}s (spec.timeout)");
            }

            Interlocked.Increment(ref _sent);
        }
        catch (Exception e) when (e is ProviderRequestException or NotifierConfigException or HttpRequestException or System.Text.Json.JsonException or KubeApiException)
        {
            Interlocked.Increment(ref _failed);
            var message = Mask(e.Message, settings);
            LogSendFailed(_logger, delivery.Alert.Metadata.NamespaceProperty ?? string.Empty, delivery.Alert.Metadata.Name, delivery.Provider.Metadata.Name, message);
            await _events.WarningAsync(delivery.Alert, "NotificationDispatchFailed", $"failed to send notification for {Describe(delivery.Event)}: {message}", cancellationToken: cancellationToken);
        }
    }

    /// <summary>No token, password, header value or address (which may hold a token) of the provider in a message.</summary>
    private static string Mask(string message, ProviderSettings? settings)
    {
        foreach (var secret in settings?.Secrets() ?? [])
        {
            message = message.Replace(secret, "*****", StringComparison.Ordinal);
        }

        return message;
    }

    private async Task FailAsync(Alert alert, NotificationEvent ev, string reason, CancellationToken cancellationToken)
    {
        LogSendFailed(_logger, alert.Metadata.NamespaceProperty ?? string.Empty, alert.Metadata.Name, alert.Spec.ProviderRef.Name, reason);
        await _events.WarningAsync(alert, "NotificationDispatchFailed", $"failed to dispatch notification for {Describe(ev)}: {reason}", cancellationToken: cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Discarding event, rate limiting duplicate events ({Kind}/{ObjectNamespace}/{ObjectName})")]
    private static partial void LogRateLimited(ILogger logger, string? kind, string? objectNamespace, string? objectName);

    [LoggerMessage(Level = LogLevel.Error, Message = "event queue full, dropping event of {Object}")]
    private static partial void LogEventQueueFull(ILogger logger, string @object);

    [LoggerMessage(Level = LogLevel.Error, Message = "failed to dispatch event of {Object}")]
    private static partial void LogDispatchFailed(ILogger logger, string @object, Exception e);

    [LoggerMessage(Level = LogLevel.Debug, Message = "dispatching event of {Kind}/{ObjectNamespace}/{ObjectName} to alert {Namespace}/{Alert}, provider {Provider}")]
    private static partial void LogDispatching(ILogger logger, string? kind, string? objectNamespace, string? objectName, string @namespace, string alert, string provider);

    [LoggerMessage(Level = LogLevel.Error, Message = "failed to send notification of alert {Namespace}/{Alert} through provider {Provider}: {Reason}")]
    private static partial void LogSendFailed(ILogger logger, string @namespace, string alert, string provider, string reason);
}
