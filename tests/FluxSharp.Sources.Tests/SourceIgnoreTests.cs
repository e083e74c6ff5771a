using FluxSharp.Sources.Artifacts;

namespace FluxSharp.Sources.Tests;

public sealed class SourceIgnoreTests
{
    [Theory]
    [InlineData(".git", true, true)]
    [InlineData(".git/config", false, true)]
    [InlineData(".gitignore", false, true)]
    [InlineData("sub/.gitmodules", false, true)]
    [InlineData("logo.png", false, true)]
    [InlineData("docs/img/a.jpg", false, true)]
    [InlineData("release.tar.gz", false, true)]
    [InlineData(".github", true, true)]
    [InlineData(".github/workflows/ci.yaml", false, true)]
    [InlineData("deep/.sops.yaml", false, true)]
    [InlineData(".flux.yaml", false, true)]
    [InlineData(".travis.yml", false, true)]
    [InlineData("deploy/app.yaml", false, false)]
    [InlineData("png", false, false)]
    [InlineData("kustomization.yaml", false, false)]
    public void Defaults(string path, bool isDir, bool ignored) =>
        Assert.Equal(ignored, SourceIgnore.Default.IsIgnored(path, isDir));

    [Fact]
    public void SpecIgnoreReplacesDefaultsButNotVcs()
    {
        var ig = SourceIgnore.FromText("# comment\n/*\n!/deploy\n*.tmp\n");
        Assert.True(ig.IsIgnored("README.md", false));
        Assert.True(ig.IsIgnored("other", true));
        Assert.False(ig.IsIgnored("deploy", true));
        Assert.False(ig.IsIgnored("deploy/app.yaml", false));
        Assert.True(ig.IsIgnored("deploy/x.tmp", false));
        Assert.False(ig.IsIgnored("deploy/logo.png", false)); // defaults replaced
        Assert.True(ig.IsIgnored(".git", true)); // VCS always excluded
    }

    [Fact]
    public void GlobSyntax()
    {
        var ig = SourceIgnore.FromText("a/**/z.txt\nfoo/\n**/bar\n[abc]?.md\nlogs/*\n!logs/keep.log\n\\!bang\n");
        Assert.True(ig.IsIgnored("a/z.txt", false));
        Assert.True(ig.IsIgnored("a/b/c/z.txt", false));
        Assert.False(ig.IsIgnored("b/a/z.txt", false));
        Assert.True(ig.IsIgnored("x/foo", true));
        Assert.False(ig.IsIgnored("x/foo", false)); // dir-only
        Assert.True(ig.IsIgnored("x/y/bar", false));
        Assert.True(ig.IsIgnored("b1.md", false));
        Assert.False(ig.IsIgnored("d1.md", false));
        Assert.True(ig.IsIgnored("logs/a.log", false));
        Assert.False(ig.IsIgnored("logs/keep.log", false));
        Assert.True(ig.IsIgnored("!bang", false));
    }

    [Fact]
    public void SourceIgnoreFilesAreScopedToTheirDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "fluxsharp-ign-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "apps", "x"));
            File.WriteAllText(Path.Combine(dir, "apps", ".sourceignore"), "*.md\n/x/secret.yaml\n");
            var ig = SourceIgnore.Load(dir, "!apps/README.md\n");
            Assert.True(ig.IsIgnored("apps/notes.md", false));
            Assert.True(ig.IsIgnored("apps/x/notes.md", false));
            Assert.False(ig.IsIgnored("notes.md", false)); // outside the file's directory
            Assert.True(ig.IsIgnored("apps/x/secret.yaml", false));
            Assert.False(ig.IsIgnored("x/secret.yaml", false));
            Assert.False(ig.IsIgnored("apps/README.md", false)); // spec.ignore comes last and wins
            Assert.False(ig.IsIgnored("logo.png", false)); // user patterns replace the defaults (Flux)
            Assert.True(SourceIgnore.Load(Path.Combine(dir, "apps", "x"), null).IsIgnored("logo.png", false));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
