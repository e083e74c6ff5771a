namespace FluxSharp.Build.Substitution;

/// <summary>An error raised while parsing or evaluating a <c>${...}</c> expression.</summary>
public sealed class EnvsubstException : Exception
{
    public EnvsubstException(string message) : base(message) { }
    public EnvsubstException() { }
    public EnvsubstException(string message, Exception innerException) : base(message, innerException) { }
}
