using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace FluxSharp.LocalCluster;

/// <summary>One line of a container's log (without its newline) and when it was written.</summary>
public readonly record struct PodLogLine(DateTimeOffset Time, string Text);

/// <summary>What a `pods/log` request asks for: the last <see cref="TailLines"/> lines, those written since <see cref="Since"/>, and whether to follow.</summary>
public sealed record PodLogQuery(bool Follow, long? TailLines, DateTimeOffset? Since);

/// <summary>
/// A pod's log as a kubelet would read it: the lines the query selects, oldest first, then (when following)
/// every new line until <paramref name="cancellationToken"/> is cancelled.
/// </summary>
public delegate IAsyncEnumerable<PodLogLine> PodLogSource(PodLogQuery query, CancellationToken cancellationToken);

/// <summary>
/// The local control plane has no kubelet: whoever runs a "pod" in-process registers where its log comes from,
/// and the server answers `GET /api/v1/namespaces/{ns}/pods/{name}/log` (so `kubectl logs` works) from it.
/// A pod without a source has an empty log.
/// </summary>
public sealed class PodLogSources
{
    private readonly ConcurrentDictionary<(string Namespace, string Name), PodLogSource> _sources = new();

    public void Register(string @namespace, string name, PodLogSource source) => _sources[(@namespace, name)] = source;

    public void Unregister(string @namespace, string name) => _sources.TryRemove((@namespace, name), out _);

    public PodLogSource? Find(string @namespace, string name) => _sources.TryGetValue((@namespace, name), out var source) ? source : null;
}

/// <summary>
/// An in-memory log that keeps the last <see cref="Capacity"/> lines (a ring buffer) and lets readers follow it;
/// <see cref="ReadAsync"/> is a <see cref="PodLogSource"/>.
/// </summary>
public sealed class PodLogBuffer
{
    private readonly Queue<PodLogLine> _lines = new();
    private readonly List<Channel<PodLogLine>> _followers = [];
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;

    public PodLogBuffer(int capacity = 10000, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _time = time ?? TimeProvider.System;
    }

    public int Capacity { get; }

    /// <summary>Readers following the log now (each gone once its request ends).</summary>
    internal int FollowerCount
    {
        get
        {
            lock (_gate)
            {
                return _followers.Count;
            }
        }
    }

    /// <summary>Appends a line (a text with newlines is several lines); the oldest line goes when the buffer is full.</summary>
    public void Write(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            foreach (var part in text.Split('\n'))
            {
                var line = new PodLogLine(now, part.TrimEnd('\r'));
                _lines.Enqueue(line);
                if (_lines.Count > Capacity)
                {
                    _lines.Dequeue();
                }

                foreach (var follower in _followers)
                {
                    // Never blocks the writer (the manager's logging): a follower that falls a whole buffer behind
                    // loses its oldest unread lines, as a slow reader of a rotated log does.
                    follower.Writer.TryWrite(line);
                }
            }
        }
    }

    public async IAsyncEnumerable<PodLogLine> ReadAsync(PodLogQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        PodLogLine[] backlog;
        Channel<PodLogLine>? next = null;
        lock (_gate)
        {
            // Taken together under the lock so that a follower misses no line and sees none twice.
            backlog = [.. _lines];
            if (query.Follow)
            {
                next = Channel.CreateBounded<PodLogLine>(new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });
                _followers.Add(next);
            }
        }

        try
        {
            IEnumerable<PodLogLine> selected = backlog;
            if (query.Since is { } since)
            {
                selected = selected.Where(l => l.Time >= since);
            }

            if (query.TailLines is { } tail)
            {
                selected = selected.TakeLast((int)Math.Min(Math.Max(tail, 0), int.MaxValue));
            }

            foreach (var line in selected)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return line;
            }

            if (next is null)
            {
                yield break;
            }

            while (await next.Reader.WaitToReadAsync(cancellationToken))
            {
                while (next.Reader.TryRead(out var line))
                {
                    yield return line;
                }
            }
        }
        finally
        {
            if (next is not null)
            {
                lock (_gate)
                {
                    _followers.Remove(next);
                }
            }
        }
    }
}
