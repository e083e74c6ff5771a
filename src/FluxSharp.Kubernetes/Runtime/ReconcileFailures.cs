namespace FluxSharp.Kubernetes.Runtime;

/// <summary>
/// A step failed for a reason the kind knows (Flux's serror.Generic): Ready=False with <see cref="Reason"/> and the
/// message, a Warning event, and a retry (after the kind's retryInterval, else with backoff).
/// </summary>
public class ReconcileException : Exception
{
    public ReconcileException()
        : this(Api.ConditionReasons.ReconciliationFailed, "reconciliation failed")
    {
    }

    public ReconcileException(string message)
        : this(Api.ConditionReasons.ReconciliationFailed, message)
    {
    }

    public ReconcileException(string message, Exception innerException)
        : this(Api.ConditionReasons.ReconciliationFailed, message, innerException)
    {
    }

    public ReconcileException(string reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
    }

    /// <summary>The condition reason (CamelCase, e.g. GitOperationFailed).</summary>
    public string Reason { get; }
}

/// <summary>
/// Only a change of the object can fix this (Flux's serror.Stalling): Stalled=True, Ready=False, a Warning event,
/// and no retry; a spec change (new generation) or requestedAt reconciles it again.
/// </summary>
public sealed class StallingException : ReconcileException
{
    public StallingException()
    {
    }

    public StallingException(string message)
        : base(message)
    {
    }

    public StallingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StallingException(string reason, string message, Exception? innerException = null)
        : base(reason, message, innerException)
    {
    }
}

/// <summary>
/// Not an error: something the object needs is not there yet (Flux's serror.Waiting, e.g. a dependency not Ready).
/// Ready=False and Reconciling=True with the reason, no Warning event, and another look after <see cref="RequeueAfter"/>
/// (null: the kind's retryInterval, else its interval).
/// </summary>
public sealed class WaitingException : ReconcileException
{
    public WaitingException()
    {
    }

    public WaitingException(string message)
        : base(message)
    {
    }

    public WaitingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public WaitingException(string reason, string message, TimeSpan? requeueAfter, Exception? innerException = null)
        : base(reason, message, innerException)
    {
        RequeueAfter = requeueAfter;
    }

    public TimeSpan? RequeueAfter { get; }
}
