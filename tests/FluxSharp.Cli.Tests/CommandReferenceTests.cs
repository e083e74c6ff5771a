namespace FluxSharp.Cli.Tests;

/// <summary>docs/cli/ is the command reference generated from the command definitions; it must match them.</summary>
public sealed class CommandReferenceTests : IDisposable
{
    private readonly string _out = Path.Combine(Path.GetTempPath(), "fluxsharp-docs-tests", Guid.NewGuid().ToString("N")[..12]);

    public static string RepositoryRoot => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));

    public void Dispose()
    {
        if (Directory.Exists(_out))
        {
            Directory.Delete(_out, recursive: true);
        }
    }

    [Fact]
    public async Task DocsCliIsTheReferenceGeneratedFromTheCommandDefinitions()
    {
        var result = await FluxResult.RunAsync("docs", _out);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var committed = Path.Combine(RepositoryRoot, "docs", "cli");
        var generated = Directory.GetFiles(_out).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Contains("README.md", generated);
        Assert.Contains("fluxsharp_get.md", generated);

        if (Environment.GetEnvironmentVariable("FLUXSHARP_UPDATE_DOCS") == "1")
        {
            if (Directory.Exists(committed))
            {
                Directory.Delete(committed, recursive: true);
            }

            Directory.CreateDirectory(committed);
            foreach (var file in generated)
            {
                File.Copy(Path.Combine(_out, file!), Path.Combine(committed, file!));
            }
        }

        var existing = Directory.Exists(committed) ? Directory.GetFiles(committed).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList() : [];
        Assert.True(generated.SequenceEqual(existing), "docs/cli/ is out of date; run: FLUXSHARP_UPDATE_DOCS=1 dotnet test tests/FluxSharp.Cli.Tests --filter CommandReferenceTests");
        foreach (var file in generated)
        {
            Assert.True(
                File.ReadAllText(Path.Combine(_out, file!)) == File.ReadAllText(Path.Combine(committed, file!)),
                $"docs/cli/{file} is out of date; run: FLUXSHARP_UPDATE_DOCS=1 dotnet test tests/FluxSharp.Cli.Tests --filter CommandReferenceTests");
        }
    }

    [Fact]
    public async Task EveryVisibleCommandHasADescriptionAndHelp()
    {
        var index = await FluxResult.RunAsync("docs", _out);
        Assert.Equal(0, index.ExitCode);
        foreach (var page in Directory.GetFiles(_out, "fluxsharp_*.md"))
        {
            var text = await File.ReadAllTextAsync(page);
            // "## fluxsharp x y\n\n\n" would mean a command without a description.
            Assert.DoesNotMatch("(?m)^#+ fluxsharp [^\n]+\n\n\n", text);
            var group = Path.GetFileNameWithoutExtension(page)["fluxsharp_".Length..];
            var help = await FluxResult.RunAsync(group, "--help");
            Assert.True(help.ExitCode == 0, $"{group} --help: {help.Stderr}");
            Assert.Contains("Usage:", help.Stdout, StringComparison.Ordinal);
        }
    }
}
