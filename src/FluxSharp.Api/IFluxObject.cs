using k8s;
using k8s.Models;

namespace FluxSharp.Api;

/// <summary>
/// What every Flux object has, whatever its kind: the fields the reconcile runtime treats alike (suspend, the
/// intervals, the common status). Kinds implement it explicitly, so nothing is added to their JSON or their CRD.
/// </summary>
public interface IFluxObject : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>spec.suspend: true leaves the object alone until resumed.</summary>
    bool Suspended { get; }

    /// <summary>spec.interval, as written; null for kinds that are not reconciled on an interval.</summary>
    string? Interval { get; }

    /// <summary>spec.timeout with the kind's default applied (Flux's GetTimeout); null when the kind has none.</summary>
    string? Timeout { get; }

    /// <summary>
    /// spec.retryInterval with the kind's fallback applied (Flux's GetRetryInterval: the interval when unset);
    /// null for kinds without one, whose failures are retried with backoff.
    /// </summary>
    string? RetryInterval { get; }

    /// <summary>The common part of the status; null before the first reconcile.</summary>
    IFluxStatus? FluxStatus { get; }
}

/// <summary>A Flux object with its typed status.</summary>
public interface IFluxObject<TStatus> : IFluxObject, IStatus<TStatus?>
    where TStatus : class, IFluxStatus
{
    IFluxStatus? IFluxObject.FluxStatus => Status;
}

/// <summary>The status fields every Flux kind has (fluxcd/pkg apis/meta: conditions, observedGeneration, ReconcileRequestStatus).</summary>
public interface IFluxStatus
{
    /// <summary>status.observedGeneration: the generation the last finished reconcile acted on.</summary>
    long? ObservedGeneration { get; }

    /// <summary>status.conditions.</summary>
    IList<Condition>? Conditions { get; }

    /// <summary>status.lastHandledReconcileAt: the last reconcile.fluxcd.io/requestedAt value handled.</summary>
    string? LastHandledReconcileAt { get; }
}
