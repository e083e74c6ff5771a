using System.Collections.Concurrent;
using System.Reflection;
using System.Text;
using System.Xml.Linq;

namespace FluxSharp.Api.Schema;

/// <summary>
/// Reads the &lt;summary&gt; of types and properties from the compiler's XML documentation file next to the
/// assembly (FluxSharp.Api.xml). Lines are trimmed and kept; &lt;see cref&gt; becomes the member's short name,
/// &lt;para&gt; a blank line. Without the file, summaries are null.
/// </summary>
internal static class XmlDocs
{
    private static readonly ConcurrentDictionary<Assembly, IReadOnlyDictionary<string, string>> Cache = new();

    public static string? Summary(Type type) => Lookup(type.Assembly, "T:" + Name(type));

    public static string? Summary(PropertyInfo property) =>
        Lookup(property.DeclaringType!.Assembly, "P:" + Name(property.DeclaringType!) + "." + property.Name);

    private static string Name(Type type) => (type.FullName ?? type.Name).Replace('+', '.');

    private static string? Lookup(Assembly assembly, string key) =>
        Cache.GetOrAdd(assembly, Load).TryGetValue(key, out var text) ? text : null;

    private static Dictionary<string, string> Load(Assembly assembly)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var file = Locate(assembly);
        if (file is null)
        {
            return result;
        }

        var doc = XDocument.Load(file);
        foreach (var member in doc.Descendants("member"))
        {
            var name = (string?)member.Attribute("name");
            var summary = member.Element("summary");
            if (name is not null && summary is not null)
            {
                var text = Normalize(Render(summary));
                if (text.Length > 0)
                {
                    result[name] = text;
                }
            }
        }

        return result;
    }

    private static string? Locate(Assembly assembly)
    {
        var fileName = assembly.GetName().Name + ".xml";
        var candidates = new List<string>();
        if (!string.IsNullOrEmpty(assembly.Location))
        {
            candidates.Add(Path.ChangeExtension(assembly.Location, ".xml"));
        }

        candidates.Add(Path.Combine(AppContext.BaseDirectory, fileName));
        return candidates.FirstOrDefault(File.Exists);
    }

    private static string Render(XElement element)
    {
        var text = new StringBuilder();
        foreach (var node in element.Nodes())
        {
            switch (node)
            {
                case XText t:
                    text.Append(t.Value);
                    break;
                case XElement { Name.LocalName: "see" or "seealso" } see:
                    var target = (string?)see.Attribute("cref") ?? (string?)see.Attribute("langword") ?? (string?)see.Attribute("href") ?? see.Value;
                    text.Append(see.IsEmpty ? ShortName(target) : see.Value);
                    break;
                case XElement { Name.LocalName: "paramref" or "typeparamref" } reference:
                    text.Append((string?)reference.Attribute("name"));
                    break;
                case XElement { Name.LocalName: "para" } para:
                    text.Append("\n\n").Append(Render(para)).Append("\n\n");
                    break;
                case XElement other:
                    text.Append(Render(other));
                    break;
            }
        }

        return text.ToString();
    }

    private static string ShortName(string cref)
    {
        var name = cref.Contains(':', StringComparison.Ordinal) ? cref[(cref.IndexOf(':', StringComparison.Ordinal) + 1)..] : cref;
        var dot = name.LastIndexOf('.');
        return dot >= 0 ? name[(dot + 1)..] : name;
    }

    /// <summary>Trims every line, collapses runs of blank lines to one, drops leading and trailing blank lines.</summary>
    private static string Normalize(string text)
    {
        var lines = new List<string>();
        foreach (var raw in text.Replace("\r", string.Empty, StringComparison.Ordinal).Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 && (lines.Count == 0 || lines[^1].Length == 0))
            {
                continue;
            }

            lines.Add(line);
        }

        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return string.Join('\n', lines);
    }
}
