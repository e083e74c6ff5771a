using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace FluxSharp.Controllers.Notification;

/// <summary>One notification to send: what, for which Alert, through which Provider.</summary>
public sealed record Delivery(NotificationEvent Event, Api.Notification.V1beta3.Alert Alert, Api.Notification.V1beta3.Provider Provider, string? CommitStatus);

/// <summary>
/// The deliveries of one Provider: a bounded queue drained by a few senders, so a slow or dead endpoint only
/// delays its own notifications (never a reconcile, never another provider). A full queue drops the newest
/// delivery and says so.
/// </summary>
public sealed partial class ProviderQueue : IAsyncDisposable
{
    private readonly Channel<Delivery> _queue;
    private readonly Func<Delivery, CancellationToken, Task> _send;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _senders;

    public ProviderQueue(string name, int capacity, int senders, Func<Delivery, CancellationToken, Task> send, ILogger logger)
    {
        Name = name;
        _send = send;
        _logger = logger;
        _queue = Channel.CreateBounded<Delivery>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait, SingleWriter = false, SingleReader = senders == 1 });
        _senders = Enumerable.Range(0, senders).Select(_ => Task.Run(() => DrainAsync(_stop.Token))).ToArray();
    }

    /// <summary>namespace/name of the Provider.</summary>
    public string Name { get; }

    /// <summary>Deliveries waiting.</summary>
    public int Pending => _queue.Reader.Count;

    /// <summary>Queues without waiting; false when the queue is full (the delivery is dropped).</summary>
    public bool TryEnqueue(Delivery delivery)
    {
        if (_queue.Writer.TryWrite(delivery))
        {
            return true;
        }

        LogQueueFull(_logger, Name);
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_senders);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        _stop.Dispose();
    }

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        await foreach (var delivery in _queue.Reader.ReadAllAsync(cancellationToken))
        {
            await _send(delivery, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "notification queue of provider {Provider} is full, dropping a notification")]
    private static partial void LogQueueFull(ILogger logger, string provider);
}
