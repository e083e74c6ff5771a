namespace FluxSharp.Api.Schema;

/// <summary>
/// An additionalPrinterColumns entry of the CRD (what <c>kubectl get</c> shows).
/// Columns are emitted by <see cref="Order"/>, then in declaration order.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class PrinterColumnAttribute(string name, string type, string jsonPath) : Attribute
{
    public string Name { get; } = name;

    /// <summary>OpenAPI type: string, integer, number, boolean or date.</summary>
    public string Type { get; } = type;

    public string JsonPath { get; } = jsonPath;

    public int Order { get; init; }

    public string? Description { get; init; }

    public string? Format { get; init; }

    /// <summary>0 shows the column in the standard view; higher only with <c>-o wide</c>.</summary>
    public int Priority { get; init; }
}
