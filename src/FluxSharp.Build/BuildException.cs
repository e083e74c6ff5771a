namespace FluxSharp.Build;

/// <summary>
/// A failure while fetching, extracting or building a Kustomization's manifests. <see cref="Reason"/> is the
/// Flux condition reason the reconciler should report (<c>ArtifactFailed</c> for fetch/verify/extract and a
/// missing path, <c>BuildFailed</c> for generation, kustomize build and post-build substitution).
/// </summary>
public sealed class BuildException : Exception
{
    public BuildException(string reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
    }

    public BuildException() : this(FluxSharp.Api.ConditionReasons.BuildFailed, "build failed") { }

    public BuildException(string message) : this(FluxSharp.Api.ConditionReasons.BuildFailed, message) { }

    public BuildException(string message, Exception innerException)
        : this(FluxSharp.Api.ConditionReasons.BuildFailed, message, innerException) { }

    /// <summary>The Flux condition reason (see <see cref="FluxSharp.Api.ConditionReasons"/>).</summary>
    public string Reason { get; }
}
