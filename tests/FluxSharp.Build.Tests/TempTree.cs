namespace FluxSharp.Build.Tests;

/// <summary>A temporary directory filled with files; deleted on dispose.</summary>
internal sealed class TempTree : IDisposable
{
    public TempTree(IReadOnlyDictionary<string, string>? files = null)
    {
        Root = Path.Combine(Path.GetTempPath(), "fluxsharp-build-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        if (files is not null)
        {
            Write(files);
        }
    }

    public string Root { get; }

    public void Write(IReadOnlyDictionary<string, string> files)
    {
        foreach (var (rel, content) in files)
        {
            var full = Path.Combine(Root, rel);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content.ReplaceLineEndings("\n"));
        }
    }

    public string Read(string rel) => File.ReadAllText(Path.Combine(Root, rel));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
