using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using FluxSharp.Api;

namespace FluxSharp.Build.Tests;

public class ArtifactFetcherTests
{
    private static byte[] TarGz(Action<TarWriter> write)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gz, TarEntryFormat.Pax, leaveOpen: true))
        {
            write(tar);
        }
        return ms.ToArray();
    }

    private static void File(TarWriter tar, string name, string content)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) };
        tar.WriteEntry(entry);
    }

    private static string Digest(byte[] data) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(data));

    private static async Task<BuildException> ExtractFails(byte[] archive, ArtifactFetchOptions? options = null)
    {
        using var dir = new TempTree();
        var e = await Assert.ThrowsAsync<BuildException>(() => ArtifactFetcher.ExtractAsync(new MemoryStream(archive), dir.Root, options, CancellationToken.None));
        Assert.Equal(ConditionReasons.ArtifactFailed, e.Reason);
        return e;
    }

    /// <summary>Serves one payload over HTTP on loopback, like the artifact server.</summary>
    private sealed class LoopbackServer : IDisposable
    {
        private readonly HttpListener _listener = new();

        public LoopbackServer(byte[] body, HttpStatusCode status = HttpStatusCode.OK)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = new Uri($"http://127.0.0.1:{port}/gitrepository/flux-system/repo/latest.tar.gz");
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext ctx;
                    try
                    {
                        ctx = await _listener.GetContextAsync();
                    }
                    catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                    {
                        return;
                    }
                    ctx.Response.StatusCode = (int)status;
                    await ctx.Response.OutputStream.WriteAsync(body);
                    ctx.Response.Close();
                }
            });
        }

        public Uri Url { get; }

        public void Dispose() => _listener.Close();
    }

    [Fact]
    public async Task FetchesVerifiesAndExtractsOverLoopback()
    {
        var archive = TarGz(tar =>
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "apps/"));
            File(tar, "apps/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n");
            File(tar, "./README.md", "hello");
        });
        using var server = new LoopbackServer(archive);
        using var dir = new TempTree();
        using var http = new HttpClient();

        await new ArtifactFetcher(http).FetchAsync(server.Url, Digest(archive), dir.Root, CancellationToken.None);

        Assert.Contains("kind: ConfigMap", dir.Read("apps/cm.yaml"), StringComparison.Ordinal);
        Assert.Equal("hello", dir.Read("README.md"));
    }

    [Fact]
    public async Task DigestMismatchNamesExpectedAndActual()
    {
        var archive = TarGz(tar => File(tar, "a.yaml", "x: 1"));
        using var server = new LoopbackServer(archive);
        using var dir = new TempTree();
        using var http = new HttpClient();
        var wrong = "sha256:" + new string('0', 64);

        var e = await Assert.ThrowsAsync<BuildException>(() => new ArtifactFetcher(http).FetchAsync(server.Url, wrong, dir.Root, CancellationToken.None));

        Assert.Equal(ConditionReasons.ArtifactFailed, e.Reason);
        Assert.Contains(wrong, e.Message, StringComparison.Ordinal);
        Assert.Contains(Digest(archive), e.Message, StringComparison.Ordinal);
        Assert.False(System.IO.File.Exists(Path.Combine(dir.Root, "a.yaml")));
    }

    [Fact]
    public async Task NotFoundIsAnArtifactFailure()
    {
        using var server = new LoopbackServer([], HttpStatusCode.NotFound);
        using var dir = new TempTree();
        using var http = new HttpClient();
        var e = await Assert.ThrowsAsync<BuildException>(() => new ArtifactFetcher(http).FetchAsync(server.Url, null, dir.Root, CancellationToken.None));
        Assert.Equal(ConditionReasons.ArtifactFailed, e.Reason);
        Assert.Contains("404", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DownloadSizeIsLimited()
    {
        var archive = TarGz(tar => File(tar, "big.yaml", new string('x', 200_000)));
        using var server = new LoopbackServer(archive);
        using var dir = new TempTree();
        using var http = new HttpClient();
        var e = await Assert.ThrowsAsync<BuildException>(() =>
            new ArtifactFetcher(http, new ArtifactFetchOptions { MaxDownloadBytes = 100 }).FetchAsync(server.Url, null, dir.Root, CancellationToken.None));
        Assert.Contains("max download size", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../evil.yaml")]
    [InlineData("apps/../../evil.yaml")]
    [InlineData("/etc/evil.yaml")]
    public async Task RejectsPathsLeavingTheRoot(string name)
    {
        var e = await ExtractFails(TarGz(tar => File(tar, name, "evil")));
        Assert.Contains(name, e.Message, StringComparison.Ordinal);
        Assert.False(System.IO.File.Exists(Path.Combine(Path.GetTempPath(), "evil.yaml")));
    }

    [Fact]
    public async Task RejectsSymlinkEscapingTheRoot()
    {
        var e = await ExtractFails(TarGz(tar =>
            tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "apps/passwd") { LinkName = "../../../../etc/passwd" })));
        Assert.Contains("outside the artifact root", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RejectsAbsoluteSymlinkAndHardLink()
    {
        var abs = await ExtractFails(TarGz(tar => tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "l") { LinkName = "/etc/passwd" })));
        Assert.Contains("outside the artifact root", abs.Message, StringComparison.Ordinal);
        var hard = await ExtractFails(TarGz(tar => tar.WriteEntry(new PaxTarEntry(TarEntryType.HardLink, "h") { LinkName = "/etc/shadow" })));
        Assert.Contains("hard link", hard.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RejectsSymlinksInsideTheRootToo()
    {
        // Flux's untar refuses every symlink in an artifact.
        var e = await ExtractFails(TarGz(tar =>
        {
            File(tar, "a.yaml", "x: 1");
            tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "b.yaml") { LinkName = "a.yaml" });
        }));
        Assert.Contains("symlink", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RejectsDeviceFiles()
    {
        var e = await ExtractFails(TarGz(tar => tar.WriteEntry(new PaxTarEntry(TarEntryType.CharacterDevice, "dev/null") { DeviceMajor = 1, DeviceMinor = 3 })));
        Assert.Contains("unsupported file type", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LimitsTotalSizeAndEntryCount()
    {
        var big = await ExtractFails(TarGz(tar => File(tar, "big.yaml", new string('x', 5000))), new ArtifactFetchOptions { MaxExtractedBytes = 1000 });
        Assert.Contains("max archive size", big.Message, StringComparison.Ordinal);
        var many = await ExtractFails(TarGz(tar =>
        {
            for (int i = 0; i < 20; i++)
            {
                File(tar, $"f{i}.yaml", "x");
            }
        }), new ArtifactFetchOptions { MaxEntries = 10 });
        Assert.Contains("more than 10 entries", many.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RejectsNonGzipData()
    {
        var e = await ExtractFails(Encoding.UTF8.GetBytes("this is not a tarball"));
        Assert.Contains("failed to extract archive", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("md5:abc")]
    [InlineData("sha256:xyz")]
    [InlineData("nodigest")]
    public void RejectsMalformedDigests(string digest) =>
        Assert.Equal(ConditionReasons.ArtifactFailed, Assert.Throws<BuildException>(() => ArtifactFetcher.ParseDigest(digest)).Reason);
}
