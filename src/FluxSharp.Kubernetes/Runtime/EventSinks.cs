namespace FluxSharp.Kubernetes.Runtime;

/// <summary>One in-process receiver of events (e.g. the notification dispatcher).</summary>
public interface IEventSink
{
    /// <summary>Takes an event without blocking; false when it refuses it (e.g. a duplicate within its rate-limit window).</summary>
    bool Accept(FluxEvent ev);
}

/// <summary>
/// The manager's event hub: every controller's recorder publishes here and whoever wants the events (the
/// notification controller, the events HTTP endpoint's consumers) subscribes. Knows no kind and no payload format.
/// </summary>
public sealed class EventSinks
{
    private volatile IEventSink[] _sinks = [];
    private readonly Lock _gate = new();

    /// <summary>Adds a sink; disposing the result removes it.</summary>
    public IDisposable Subscribe(IEventSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        lock (_gate)
        {
            _sinks = [.. _sinks, sink];
        }

        return new Subscription(this, sink);
    }

    /// <summary>Hands the event to every sink; false when one refused it as a duplicate.</summary>
    public bool Publish(FluxEvent ev)
    {
        var accepted = true;
        foreach (var sink in _sinks)
        {
            accepted &= sink.Accept(ev);
        }

        return accepted;
    }

    private void Remove(IEventSink sink)
    {
        lock (_gate)
        {
            _sinks = _sinks.Where(s => !ReferenceEquals(s, sink)).ToArray();
        }
    }

    private sealed class Subscription(EventSinks owner, IEventSink sink) : IDisposable
    {
        public void Dispose() => owner.Remove(sink);
    }
}
