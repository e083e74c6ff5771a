using System.Text.Json.Nodes;
using FluxSharp.Kubernetes.Client;
using k8s;

namespace FluxSharp.Kubernetes.Health;

/// <summary>One object's last seen status.</summary>
public sealed record ObjectHealth(InventoryEntry Entry, HealthResult Result)
{
    /// <summary>Flux's wording: <c>Kind/namespace/name status: 'InProgress': message</c>.</summary>
    public override string ToString() => $"{Entry.Ref} status: '{Result.Status}': {Result.Message}";
}

/// <summary>The outcome of a wait: healthy, or which objects are not and why.</summary>
public sealed record HealthCheckResult(bool Healthy, IReadOnlyList<ObjectHealth> Objects, bool TimedOut)
{
    /// <summary>Objects that are not Current.</summary>
    public IReadOnlyList<ObjectHealth> NotReady => Objects.Where(o => o.Result.Status != ObjectStatus.Current).ToList();

    /// <summary>Flux's message: "timeout waiting for: [...]" or "failed early due to stalled resources: [...]"; empty when healthy.</summary>
    public string Message => Healthy
        ? string.Empty
        : $"{(TimedOut ? "timeout waiting for" : "failed early due to stalled resources")}: [{string.Join(", ", (TimedOut ? NotReady : NotReady.Where(o => o.Result.Status == ObjectStatus.Failed)).Select(o => o.ToString()))}]";
}

/// <summary>
/// Polls objects until all are Current (kstatus rules, or a <see cref="Custom"/> evaluator for the kinds it covers), one of them
/// Failed (stops early), or the timeout passes.
/// </summary>
public sealed class HealthChecker
{
    private readonly KubeClient _client;
    private readonly ResourceMapper _mapper;

    public HealthChecker(KubeClient client, ResourceMapper mapper)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _mapper = mapper ?? throw new ArgumentNullException(nameof(mapper));
    }

    public HealthChecker(IKubernetes kube)
    {
        _client = new KubeClient(kube);
        _mapper = new ResourceMapper(_client);
    }

    /// <summary>The clock of the polls and the deadline.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Custom health rules used instead of kstatus for the kinds they cover (e.g. a Kustomization's healthCheckExprs).</summary>
    public IHealthEvaluator? Custom { get; init; }

    /// <summary>The status of one object now (NotFound when it or its kind does not exist).</summary>
    public async Task<HealthResult> CheckAsync(InventoryEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        JsonObject? live;
        try
        {
            var mapping = await _mapper.TryMapAsync(entry.ApiVersion, entry.Ref.Kind, cancellationToken);
            if (mapping is null)
            {
                return new(ObjectStatus.NotFound, $"no matches for kind \"{entry.Ref.Kind}\" in version \"{entry.ApiVersion}\"");
            }

            live = await _client.GetAsync(mapping, entry.Ref.Namespace, entry.Ref.Name, cancellationToken);
        }
        catch (KubeApiException e)
        {
            return new(ObjectStatus.Unknown, e.Message);
        }
        catch (TimeoutException e)
        {
            return new(ObjectStatus.Unknown, e.Message);
        }

        if (live is null)
        {
            return new(ObjectStatus.NotFound, "Resource not found");
        }

        return Custom?.Evaluate(live) ?? HealthStatus.Compute(live);
    }

    /// <summary>Waits until every object is Current; stops early when one is Failed (unless <paramref name="failFast"/> is false).</summary>
    public async Task<HealthCheckResult> WaitAsync(IReadOnlyList<InventoryEntry> entries, TimeSpan timeout, TimeSpan pollInterval, CancellationToken cancellationToken, bool failFast = true)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return new HealthCheckResult(true, [], false);
        }

        var deadline = Time.GetUtcNow() + timeout;
        var last = entries.ToDictionary(e => e.Id, e => new ObjectHealth(e, new HealthResult(ObjectStatus.Unknown, "not checked yet")));
        while (true)
        {
            foreach (var entry in entries)
            {
                if (last[entry.Id].Result.Status == ObjectStatus.Current)
                {
                    continue;
                }

                last[entry.Id] = new ObjectHealth(entry, await CheckAsync(entry, cancellationToken));
            }

            var results = entries.Select(e => last[e.Id]).ToList();
            if (results.TrueForAll(r => r.Result.Status == ObjectStatus.Current))
            {
                return new HealthCheckResult(true, results, false);
            }

            if (failFast && results.Exists(r => r.Result.Status == ObjectStatus.Failed))
            {
                return new HealthCheckResult(false, results, false);
            }

            if (Time.GetUtcNow() + pollInterval > deadline)
            {
                return new HealthCheckResult(false, results, true);
            }

            await Task.Delay(pollInterval, Time, cancellationToken);
        }
    }
}
