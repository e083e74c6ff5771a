using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace FluxSharp.Controllers.Notification;

/// <summary>
/// Drops identical events within a window, as notification-controller's event server does (--rate-limit-interval,
/// 5m by default, one event per key and window): the key is the involved object (name, namespace, kind), the message
/// and the object group's originRevision, revision and token metadata.
/// </summary>
public sealed class EventRateLimiter
{
    private readonly ConcurrentDictionary<string, long> _admitted = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private long _lastSweep;

    public EventRateLimiter(TimeSpan window, TimeProvider time)
    {
        Window = window;
        _time = time;
        _lastSweep = time.GetTimestamp();
    }

    public TimeSpan Window { get; }

    /// <summary>How many keys are remembered (swept after two windows).</summary>
    public int Count => _admitted.Count;

    /// <summary>Flux's eventKeyFunc: a SHA-256 over the event's identifying parts.</summary>
    public static string Key(NotificationEvent ev)
    {
        ArgumentNullException.ThrowIfNull(ev);
        var parts = new List<string>
        {
            "event",
            "name=" + ev.InvolvedObject.Name,
            "namespace=" + ev.InvolvedObject.NamespaceProperty,
            "kind=" + ev.InvolvedObject.Kind,
            "message=" + ev.Message,
        };
        var group = ev.ObjectGroup;
        foreach (var (name, label) in new[] { ("originRevision", "originRevision="), ("revision", "revision="), ("token", "token=") })
        {
            if (ev.Metadata.TryGetValue(group + "/" + name, out var value))
            {
                parts.Add(label + value);
            }
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('/', parts))));
    }

    /// <summary>True when the event may pass: its key was not admitted within the window.</summary>
    public bool TryAdmit(NotificationEvent ev)
    {
        if (Window <= TimeSpan.Zero)
        {
            return true;
        }

        var now = _time.GetTimestamp();
        Sweep(now);
        var key = Key(ev);
        while (true)
        {
            if (!_admitted.TryGetValue(key, out var at))
            {
                if (_admitted.TryAdd(key, now))
                {
                    return true;
                }

                continue;
            }

            if (_time.GetElapsedTime(at, now) < Window)
            {
                return false;
            }

            if (_admitted.TryUpdate(key, now, at))
            {
                return true;
            }
        }
    }

    /// <summary>Forgets keys older than two windows, once per window, to bound memory (as Flux's store sweep).</summary>
    private void Sweep(long now)
    {
        var last = Interlocked.Read(ref _lastSweep);
        if (_time.GetElapsedTime(last, now) < Window || Interlocked.CompareExchange(ref _lastSweep, now, last) != last)
        {
            return;
        }

        foreach (var (key, at) in _admitted)
        {
            if (_time.GetElapsedTime(at, now) >= 2 * Window)
            {
                _admitted.TryRemove(new KeyValuePair<string, long>(key, at));
            }
        }
    }
}
