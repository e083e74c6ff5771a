using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using FluxSharp.Sources.Artifacts;
using FluxSharp.Testing.Git;

namespace FluxSharp.Sources.Tests;

public sealed class ArtifactStorageTests : IDisposable
{
    private readonly TempDirectory _tmp = new("fluxsharp-artifacts");

    public void Dispose() => _tmp.Dispose();

    private string MakeTree(string name, DateTime mtime)
    {
        var root = _tmp.Sub(name);
        var files = new Dictionary<string, string>
        {
            ["kustomization.yaml"] = "resources: [deploy/app.yaml]\n",
            ["deploy/app.yaml"] = "kind: ConfigMap\n",
            ["deploy/z/b.yaml"] = "b\n",
            ["logo.png"] = "png",
            [".git/HEAD"] = "ref: refs/heads/main\n",
            [".github/workflows/ci.yaml"] = "on: push\n",
            [new string('d', 60) + "/" + new string('e', 60) + "/long.yaml"] = "long\n",
            [string.Join('/', Enumerable.Repeat(new string('p', 50), 6)) + "/verylong.yaml"] = "very long\n",
            ["scripts/run.sh"] = "#!/bin/sh\n",
        };
        foreach (var (rel, content) in files)
        {
            var full = Path.Combine(root, rel);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
            File.SetLastWriteTimeUtc(full, mtime);
        }
        File.SetUnixFileMode(Path.Combine(root, "scripts/run.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return root;
    }

    [Fact]
    public async Task SameTreeSameBytesAndFluxLayout()
    {
        var a = MakeTree("a", new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var b = MakeTree("b", new DateTime(2024, 6, 1, 12, 0, 0, DateTimeKind.Utc));
        var s1 = new ArtifactStorage(_tmp.Sub("store1"), "http://source-controller.flux-system.svc.cluster.local./");
        var s2 = new ArtifactStorage(_tmp.Sub("store2"), "http://localhost:9090");
        var rev = "main@sha1:0123456789abcdef0123456789abcdef01234567";
        var art1 = await s1.ArchiveAsync("GitRepository", "flux-system", "podinfo", a, null, rev);
        var art2 = await s2.ArchiveAsync("GitRepository", "flux-system", "podinfo", b, null, rev);
        Assert.Equal("gitrepository/flux-system/podinfo/0123456789abcdef0123456789abcdef01234567.tar.gz", art1.Path);
        Assert.Equal("http://source-controller.flux-system.svc.cluster.local./" + art1.Path, art1.Url);
        Assert.Equal(art1.Digest, art2.Digest);
        Assert.Equal(art1.Size, art2.Size);
        Assert.Equal(rev, art1.Revision);
        var bytes1 = await File.ReadAllBytesAsync(Path.Combine(s1.Root, art1.Path));
        var bytes2 = await File.ReadAllBytesAsync(Path.Combine(s2.Root, art2.Path));
        Assert.Equal(bytes1, bytes2);
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes1)), art1.Digest);
        Assert.Equal(bytes1.Length, art1.Size);

        // Readable by a standard tar reader; ignore rules applied; sorted; normalized headers.
        var entries = new List<TarEntry>();
        await using (var gz = new GZipStream(new MemoryStream(bytes1), CompressionMode.Decompress))
        await using (var reader = new TarReader(gz))
        {
            while (await reader.GetNextEntryAsync(copyData: true) is { } e)
            {
                entries.Add(e);
            }
        }
        var names = entries.Select(e => e.Name).ToList();
        Assert.Contains("deploy/app.yaml", names);
        Assert.Contains("kustomization.yaml", names);
        Assert.Contains(new string('d', 60) + "/" + new string('e', 60) + "/long.yaml", names);
        Assert.Contains(string.Join('/', Enumerable.Repeat(new string('p', 50), 6)) + "/verylong.yaml", names);
        Assert.DoesNotContain(names, n => n.StartsWith(".git", StringComparison.Ordinal) || n.EndsWith(".png", StringComparison.Ordinal));
        Assert.Equal(names.Order(StringComparer.Ordinal).ToList(), names);
        Assert.All(entries, e =>
        {
            Assert.Equal(0, e.Uid);
            Assert.Equal(0, e.Gid);
            Assert.Equal(DateTimeOffset.UnixEpoch, e.ModificationTime);
        });
        var run = entries.Single(e => e.Name == "scripts/run.sh");
        Assert.True((run.Mode & UnixFileMode.UserExecute) != 0);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            entries.Single(e => e.Name == "deploy/app.yaml").Mode);
        using var content = new StreamReader(entries.Single(e => e.Name == "deploy/app.yaml").DataStream!);
        Assert.Equal("kind: ConfigMap\n", await content.ReadToEndAsync());

        // A content change changes the digest.
        File.WriteAllText(Path.Combine(b, "deploy/app.yaml"), "kind: Secret\n");
        var art3 = await s2.ArchiveAsync("GitRepository", "flux-system", "podinfo", b, null, rev);
        Assert.NotEqual(art1.Digest, art3.Digest);
    }

    [Fact]
    public async Task GarbageCollectionDeleteAndResolve()
    {
        var tree = MakeTree("t", DateTime.UtcNow);
        var s = new ArtifactStorage(_tmp.Sub("store"), "http://127.0.0.1:1234");
        var arts = new List<StoredArtifact>();
        for (int i = 0; i < 4; i++)
        {
            File.WriteAllText(Path.Combine(tree, "n.txt"), i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var art = await s.ArchiveAsync("GitRepository", "default", "app", tree, null, $"main@sha1:{i}{new string('0', 39)}");
            File.SetLastWriteTimeUtc(Path.Combine(s.Root, art.Path), DateTime.UtcNow.AddMinutes(-10 + i));
            arts.Add(art);
        }
        var removed = s.GarbageCollect("GitRepository", "default", "app", arts[3].Path, keep: 1);
        Assert.Equal(2, removed.Count);
        Assert.Contains(arts[0].Path, removed);
        Assert.Contains(arts[1].Path, removed);
        Assert.True(s.TryResolve("/" + arts[3].Path, out var current));
        Assert.True(File.Exists(current));
        Assert.True(s.TryResolve(arts[2].Path, out _));
        Assert.False(s.TryResolve(arts[0].Path, out _));

        foreach (var bad in new[]
        {
            "/gitrepository/default/app/../../../../etc/passwd", "/../etc/passwd", "/gitrepository/default/../app/x.tar.gz",
            "/gitrepository/default/app/%2e%2e/x", "/gitrepository/default/app", "/gitrepository/default/app/sub/x.tar.gz",
            "/gitrepository/default/app/..", "\\gitrepository\\default\\app\\x", "/gitrepository/default/app/.tmp-x", "",
        })
        {
            Assert.False(s.TryResolve(bad, out _), bad);
        }
        Assert.Throws<ArgumentException>(() => ArtifactStorage.ArtifactPath("GitRepository", "..", "app", "x.tar.gz"));

        Assert.True(s.Delete("GitRepository", "default", "app"));
        Assert.False(s.TryResolve(arts[3].Path, out _));
        Assert.False(s.Delete("GitRepository", "default", "app"));
    }
}
