namespace FluxSharp.Formats;

/// <summary>A YAML syntax error with the 1-based line and column where it was found.</summary>
public sealed class YamlSyntaxException : Exception
{
    public YamlSyntaxException(string message, long line, long column, Exception? innerException = null)
        : base(message, innerException)
    {
        Line = line;
        Column = column;
    }

    public YamlSyntaxException() : this("invalid YAML", 0, 0) { }
    public YamlSyntaxException(string message) : this(message, 0, 0) { }
    public YamlSyntaxException(string message, Exception innerException) : this(message, 0, 0, innerException) { }

    public long Line { get; }
    public long Column { get; }
}
