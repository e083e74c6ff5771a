using System.Collections;
using System.Text;

namespace FluxSharp.LocalCluster.Apply;

/// <summary>A path from the object root to a field, list item or set item.</summary>
public sealed class FieldPath : IReadOnlyList<PathElement>
{
    private readonly PathElement[] elements;

    public FieldPath(IEnumerable<PathElement> elements)
    {
        this.elements = elements.ToArray();
    }

    public int Count => elements.Length;

    public PathElement this[int index] => elements[index];

    /// <summary>Builds a path of field names, e.g. Of("spec", "replicas").</summary>
    public static FieldPath Of(params string[] fields) => new(fields.Select(PathElement.Field));

    public IEnumerator<PathElement> GetEnumerator() => ((IEnumerable<PathElement>)elements).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => elements.GetEnumerator();

    /// <summary>Formats like the apiserver: .spec.template.spec.containers[name="app"].image</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var e in elements)
        {
            sb.Append(e.ToString());
        }

        return sb.ToString();
    }
}
