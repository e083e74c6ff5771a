using System.Threading.Channels;
using FluxSharp.LocalCluster.Storage;
using Microsoft.Extensions.Logging;

namespace FluxSharp.LocalCluster.Controllers;

/// <summary>
/// Runs an in-process controller over the store's change events, one at a time, off the request path.
/// Errors are logged and the loop goes on: a controller must never take the server down.
/// </summary>
internal abstract partial class EventLoop : IAsyncDisposable
{
    private readonly Channel<WatchEvent?> _events = Channel.CreateUnbounded<WatchEvent?>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly ObjectStore _store;
    private readonly ILogger _logger;
    private Task? _loop;
    private long _pending;

    protected EventLoop(ObjectStore store, ILogger logger)
    {
        _store = store;
        _logger = logger;
    }

    /// <summary>True when every event seen so far has been handled (tests and shutdown wait on it).</summary>
    public bool Idle => Interlocked.Read(ref _pending) == 0;

    public void Start()
    {
        _store.Changed += Enqueue;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Queues a full pass (a null event), e.g. after start-up or restore.</summary>
    public void Resync()
    {
        Interlocked.Increment(ref _pending);
        _events.Writer.TryWrite(null);
    }

    public async ValueTask DisposeAsync()
    {
        _store.Changed -= Enqueue;
        _events.Writer.TryComplete();
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }

        _stop.Dispose();
    }

    /// <summary>Handles one change; <paramref name="ev"/> null means "look at everything".</summary>
    protected abstract void Handle(WatchEvent? ev);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Controller} failed handling a change")]
    private static partial void LogFailure(ILogger logger, string controller, Exception e);

    private void Enqueue(WatchEvent ev)
    {
        Interlocked.Increment(ref _pending);
        _events.Writer.TryWrite(ev);
    }

    private async Task RunAsync()
    {
        var reader = _events.Reader;
        while (await reader.WaitToReadAsync(_stop.Token))
        {
            while (reader.TryRead(out var ev))
            {
                try
                {
                    Handle(ev);
                }
#pragma warning disable CA1031 // One bad object must not stop the controller.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    LogFailure(_logger, GetType().Name, e);
                }
                finally
                {
                    Interlocked.Decrement(ref _pending);
                }
            }
        }
    }
}
