namespace FluxSharp.LocalCluster.Storage;

/// <summary>The state dir cannot be used (locked by another process, an unreadable file): the message names the dir or file.</summary>
public sealed class StateDirException : IOException
{
    public StateDirException()
    {
    }

    public StateDirException(string message)
        : base(message)
    {
    }

    public StateDirException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
