namespace FluxSharp.Controllers;

/// <summary>The reconcile reported its failure in status and events; throwing asks the runtime to retry with backoff.</summary>
public sealed class ReconcileFailedException : Exception
{
    public ReconcileFailedException()
    {
    }

    public ReconcileFailedException(string message)
        : base(message)
    {
    }

    public ReconcileFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
