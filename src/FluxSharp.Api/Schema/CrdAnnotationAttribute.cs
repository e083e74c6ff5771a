namespace FluxSharp.Api.Schema;

/// <summary>An annotation on the generated CustomResourceDefinition's metadata.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class CrdAnnotationAttribute(string key, string value) : Attribute
{
    public string Key { get; } = key;

    public string Value { get; } = value;
}
