using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FluxSharp.Sources.Oci;
using FluxSharp.Testing.Git;
using FluxSharp.Testing.Oci;

namespace FluxSharp.Sources.Tests;

/// <summary>The OCI client and Flux's artifact format against Debian's docker-registry, cross-checked with skopeo.</summary>
public sealed class OciRegistryTests : IClassFixture<RegistryFixture>, IDisposable
{
    private readonly RegistryFixture _registries;
    private readonly TempDirectory _tmp = new("fluxsharp-oci-test");

    public OciRegistryTests(RegistryFixture registries) => _registries = registries;

    public void Dispose() => _tmp.Dispose();

    private static OciRegistryClient Client(OciClientOptions? options = null) =>
        new((options ?? new OciClientOptions()) with { Insecure = options?.CaCertificates is null, Timeout = TimeSpan.FromSeconds(30) });

    private string Content(string name = "manifests")
    {
        var dir = _tmp.Sub(name + "-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(Path.Combine(dir, "apps"));
        File.WriteAllText(Path.Combine(dir, "apps", "cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n");
        File.WriteAllText(Path.Combine(dir, "README.md"), "hello\n");
        File.WriteAllText(Path.Combine(dir, "logo.png"), "not really a png");
        return dir;
    }

    private static string Repo() => "test/r" + Guid.NewGuid().ToString("N")[..8];

    private static readonly FluxArtifactMetadata Meta = new()
    {
        Source = "https://github.com/example/repo.git",
        Revision = "main@sha1:0123456789abcdef0123456789abcdef01234567",
        Reproducible = true,
    };

    private static async Task<Dictionary<string, string>> ReadTarGzAsync(string file)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var gz = new GZipStream(File.OpenRead(file), CompressionMode.Decompress);
        await using var tar = new TarReader(gz);
        while (await tar.GetNextEntryAsync() is { } entry)
        {
            if (entry.DataStream is { } data)
            {
                using var reader = new StreamReader(data);
                files[entry.Name] = await reader.ReadToEndAsync();
            }
        }

        return files;
    }

    [Fact]
    public async Task PushedArtifactHasFluxsFormatAsSkopeoSeesIt()
    {
        using var client = Client();
        var reference = OciReference.Parse(_registries.Plain.Url(Repo()) + ":v1.0.0");
        var digest = await FluxArtifact.PushAsync(client, reference, Content(), null, Meta, null, default);

        var raw = await Skopeo.RunAsync(["inspect", "--raw", "--tls-verify=false", "--no-creds", $"docker://{reference}"]);
        Assert.Equal(digest, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(raw))));
        var manifest = JsonNode.Parse(raw)!;
        Assert.Equal(OciMediaTypes.ImageManifest, (string?)manifest["mediaType"]);
        Assert.Equal(OciMediaTypes.FluxConfig, (string?)manifest["config"]!["mediaType"]);
        var layer = Assert.Single(manifest["layers"]!.AsArray())!;
        Assert.Equal(OciMediaTypes.FluxContent, (string?)layer["mediaType"]);
        Assert.Equal(Meta.Source, (string?)manifest["annotations"]![OciAnnotations.Source]);
        Assert.Equal(Meta.Revision, (string?)manifest["annotations"]![OciAnnotations.Revision]);
        Assert.Equal(FluxArtifact.EpochCreated, (string?)manifest["annotations"]![OciAnnotations.Created]);

        var copy = _tmp.Sub("skopeo-" + Guid.NewGuid().ToString("N")[..6]);
        await Skopeo.RunAsync(["copy", "--src-tls-verify=false", "--src-no-creds", $"docker://{reference}", $"dir:{copy}"]);
        var files = await ReadTarGzAsync(Path.Combine(copy, ((string)layer["digest"]!)[7..]));
        Assert.Equal(["README.md", "apps/cm.yaml"], files.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("kind: ConfigMap", files["apps/cm.yaml"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReproducibleArtifactsOfTheSameContentHaveTheSameDigest()
    {
        using var client = Client();
        var content = Content();
        var a = await FluxArtifact.PushAsync(client, OciReference.Parse(_registries.Plain.Url(Repo()) + ":a"), content, null, Meta, null, default);
        File.SetLastWriteTimeUtc(Path.Combine(content, "README.md"), DateTime.UtcNow.AddDays(-3));
        var b = await FluxArtifact.PushAsync(client, OciReference.Parse(_registries.Plain.Url(Repo()) + ":b"), content, null, Meta, null, default);
        Assert.Equal(a, b);
        var changed = await FluxArtifact.PushAsync(client, OciReference.Parse(_registries.Plain.Url(Repo()) + ":c"), content, null, Meta with { Revision = "other" }, null, default);
        Assert.NotEqual(a, changed);
    }

    [Fact]
    public async Task ArtifactWrittenBySkopeoIsReadWithItsDockerManifest()
    {
        // A Docker schema 2 image in skopeo's dir: layout, copied to the registry by skopeo.
        var dir = _tmp.Sub("skopeo-src-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(dir);
        var layerFile = _tmp.Sub("layer.tar.gz");
        await using (var output = File.Create(layerFile))
        {
            await FluxArtifact.BuildAsync(Content(), null, output, default);
        }

        var layer = await FluxArtifact.DescribeAsync(layerFile, OciMediaTypes.DockerLayerGzip, default);
        var config = Encoding.UTF8.GetBytes("""{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"config":{}}""");
        var configDigest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(config));
        File.Copy(layerFile, Path.Combine(dir, layer.Digest[7..]));
        File.WriteAllBytes(Path.Combine(dir, configDigest[7..]), config);
        var manifest = new OciManifest
        {
            MediaType = OciMediaTypes.DockerManifest,
            Config = new OciDescriptor { MediaType = "application/vnd.docker.container.image.v1+json", Digest = configDigest, Size = config.Length },
            Layers = [layer],
        };
        File.WriteAllBytes(Path.Combine(dir, "manifest.json"), manifest.ToBytes());
        File.WriteAllText(Path.Combine(dir, "version"), "Directory Transport Version: 1.1\n");
        var reference = OciReference.Parse(_registries.Plain.Url(Repo()) + ":docker");
        await Skopeo.RunAsync(["copy", "--dest-tls-verify=false", "--dest-no-creds", $"dir:{dir}", $"docker://{reference}"]);

        using var client = Client();
        var selected = await FluxArtifact.SelectLayerAsync(client, reference, null, default);
        Assert.Equal(layer.Digest, selected.Layer.Digest);
        var pulled = _tmp.Sub("pulled.tar.gz");
        await FluxArtifact.DownloadAsync(client, selected, pulled, default);
        Assert.Contains("apps/cm.yaml", (await ReadTarGzAsync(pulled)).Keys);
        var head = await client.HeadManifestAsync(reference, default);
        Assert.Equal(selected.ManifestDigest, head!.Digest);
        Assert.Equal(OciMediaTypes.DockerManifest, head.MediaType);
    }

    [Fact]
    public async Task BasicAuthWorksWithTheSecretsCredentialsAndFailsClearlyWithout()
    {
        var server = _registries.Auth;
        var reference = OciReference.Parse(server.Url(Repo()) + ":v1");
        var credentials = OciCredentials.FromDockerConfig(server.DockerConfigJson(), reference.Registry);
        using (var client = Client(new OciClientOptions { Credentials = credentials }))
        {
            var digest = await FluxArtifact.PushAsync(client, reference, Content(), null, Meta, null, default);
            Assert.Equal(digest, (await client.HeadManifestAsync(reference, default))!.Digest);
        }

        using (var anonymous = Client())
        {
            var e = await Assert.ThrowsAsync<OciException>(() => anonymous.HeadManifestAsync(reference, default));
            Assert.Equal(OciErrorKind.AuthenticationFailed, e.Kind);
            Assert.Contains("authentication required", e.Message, StringComparison.Ordinal);
        }

        using var wrong = Client(new OciClientOptions { Credentials = new OciCredentials("flux", "wrong-password") });
        var failed = await Assert.ThrowsAsync<OciException>(() => wrong.GetManifestAsync(reference, default));
        Assert.Equal(OciErrorKind.AuthenticationFailed, failed.Kind);
        Assert.Contains(reference.RepositoryUrl, failed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BearerTokensAreFetchedFromTheChallengesRealmWithTheCredentials()
    {
        var server = _registries.Token;
        var reference = OciReference.Parse(server.Url(Repo()) + ":v1");
        using (var client = Client(new OciClientOptions { Credentials = new OciCredentials("flux", server.Password) }))
        {
            var digest = await FluxArtifact.PushAsync(client, reference, Content(), null, Meta, null, default);
            var layer = await FluxArtifact.SelectLayerAsync(client, reference, null, default);
            await FluxArtifact.DownloadAsync(client, layer, _tmp.Sub("token.tar.gz"), default);
            Assert.Equal(digest, layer.ManifestDigest);
            Assert.Equal(OciMediaTypes.FluxContent, layer.Layer.MediaType);
        }

        Assert.True(server.Tokens!.Issued >= 2, "a pull,push token for the push and a pull token for the pull");
        using var wrong = Client(new OciClientOptions { Credentials = new OciCredentials("flux", "nope") });
        var e = await Assert.ThrowsAsync<OciException>(() => wrong.HeadManifestAsync(reference, default));
        Assert.Equal(OciErrorKind.AuthenticationFailed, e.Kind);
        Assert.Contains("token service refused", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TlsRegistryIsTrustedThroughTheCustomCaOnly()
    {
        var server = _registries.Tls;
        var reference = OciReference.Parse(server.Url(Repo()) + ":v1");
        using (var trusted = Client(new OciClientOptions { CaCertificates = [server.Certificates!.Ca] }))
        {
            var digest = await FluxArtifact.PushAsync(trusted, reference, Content(), null, Meta, null, default);
            Assert.Equal(digest, (await trusted.HeadManifestAsync(reference, default))!.Digest);
        }

        using var untrusted = new OciRegistryClient(new OciClientOptions { Timeout = TimeSpan.FromSeconds(30) });
        var e = await Assert.ThrowsAsync<OciException>(() => untrusted.HeadManifestAsync(reference, default));
        Assert.Contains("certificate", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TagsAreListedAcrossPages()
    {
        using var client = Client(new OciClientOptions { TagPageSize = 2 });
        var repo = OciReference.Parse(_registries.Plain.Url(Repo()));
        var tags = new[] { "1.0.0", "1.1.0", "2.0.0", "latest", "v3.0.0-rc.1" };
        var digest = await FluxArtifact.PushAsync(client, repo.WithTag(tags[0]), Content(), null, Meta, null, default);
        var (manifest, bytes, _) = await client.GetManifestAsync(repo.WithDigest(digest), default);
        foreach (var tag in tags.Skip(1))
        {
            await client.PutManifestAsync(repo.WithTag(tag), bytes, manifest.MediaType!, default);
        }

        Assert.Equal(tags, (await client.ListTagsAsync(repo, default)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ChunkedUploadsAndCrossRepositoryMountsStoreTheSameBlob()
    {
        var content = Content();
        File.WriteAllBytes(Path.Combine(content, "big.bin"), RandomNumberGenerator.GetBytes(300_000));
        using var chunked = Client(new OciClientOptions { ChunkSize = 64 * 1024 });
        var source = OciReference.Parse(_registries.Plain.Url(Repo()) + ":v1");
        await FluxArtifact.PushAsync(chunked, source, content, null, Meta, null, default);
        var layer = await FluxArtifact.SelectLayerAsync(chunked, source, OciMediaTypes.FluxContent, default);
        Assert.True(layer.Layer.Size > 64 * 1024);
        await Skopeo.RunAsync(["copy", "--src-tls-verify=false", "--src-no-creds", $"docker://{source}", $"dir:{_tmp.Sub("chunked")}"]);

        var target = OciReference.Parse(_registries.Plain.Url(Repo()));
        Assert.False(await chunked.BlobExistsAsync(target, layer.Layer.Digest, default));
        await chunked.PushBlobAsync(target, layer.Layer, () => throw new InvalidOperationException("a mount uploads nothing"), source.Repository, default);
        Assert.True(await chunked.BlobExistsAsync(target, layer.Layer.Digest, default));
    }

    [Fact]
    public async Task UnknownRepositoryAndTagAreNotFound()
    {
        using var client = Client();
        var repo = Repo();
        var e = await Assert.ThrowsAsync<OciException>(() => client.GetManifestAsync(OciReference.Parse(_registries.Plain.Url(repo) + ":nope"), default));
        Assert.Equal(OciErrorKind.NotFound, e.Kind);
        Assert.Contains($"{_registries.Plain.Host}/{repo}:nope", e.Message, StringComparison.Ordinal);
        Assert.Null(await client.HeadManifestAsync(OciReference.Parse(_registries.Plain.Url(repo) + ":nope"), default));
        var tags = await Assert.ThrowsAsync<OciException>(() => client.ListTagsAsync(OciReference.Parse(_registries.Plain.Url(repo)), default));
        Assert.Equal(OciErrorKind.NotFound, tags.Kind);
    }

    [Fact]
    public async Task CorruptedBlobFailsItsDigestCheckAndLeavesNoFile()
    {
        using var client = Client();
        var reference = OciReference.Parse(_registries.Plain.Url(Repo()) + ":v1");
        // Content of its own: blobs are shared across repositories, and the other tests push the same layer.
        var content = Content();
        File.WriteAllText(Path.Combine(content, "unique.txt"), Guid.NewGuid().ToString());
        await FluxArtifact.PushAsync(client, reference, content, null, Meta, null, default);
        var layer = await FluxArtifact.SelectLayerAsync(client, reference, null, default);
        var stored = _registries.Plain.BlobPath(layer.Layer.Digest);
        var bytes = File.ReadAllBytes(stored);
        bytes[^5] ^= 0xff;
        File.WriteAllBytes(stored, bytes);

        var target = _tmp.Sub("corrupt.tar.gz");
        var e = await Assert.ThrowsAsync<OciException>(() => FluxArtifact.DownloadAsync(client, layer, target, default));
        Assert.Equal(OciErrorKind.DigestMismatch, e.Kind);
        Assert.False(File.Exists(target));
    }

    [Fact]
    public async Task LayersOverTheSizeLimitOrOfAnotherMediaTypeAreRefused()
    {
        var reference = OciReference.Parse(_registries.Plain.Url(Repo()) + ":v1");
        using (var client = Client())
        {
            await FluxArtifact.PushAsync(client, reference, Content(), null, Meta, null, default);
            var e = await Assert.ThrowsAsync<OciException>(() => FluxArtifact.SelectLayerAsync(client, reference, OciMediaTypes.HelmChartContent, default));
            Assert.Equal(OciErrorKind.UnsupportedMediaType, e.Kind);
            Assert.Contains(OciMediaTypes.HelmChartContent, e.Message, StringComparison.Ordinal);
        }

        using var small = Client(new OciClientOptions { MaxBlobBytes = 64 });
        var layer = await FluxArtifact.SelectLayerAsync(small, reference, null, default);
        var tooBig = await Assert.ThrowsAsync<OciException>(() => FluxArtifact.DownloadAsync(small, layer, _tmp.Sub("big.tar.gz"), default));
        Assert.Equal(OciErrorKind.SizeLimitExceeded, tooBig.Kind);
    }

    [Fact]
    public async Task ARegistryThatNeverAnswersTimesOutWithAClearError()
    {
        // Connections are accepted (the listen backlog) but nothing is ever answered.
        var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        try
        {
            var port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
            using var client = new OciRegistryClient(new OciClientOptions { Insecure = true, Timeout = TimeSpan.FromMilliseconds(500) });
            var e = await Assert.ThrowsAsync<OciException>(() => client.HeadManifestAsync(OciReference.Parse($"oci://127.0.0.1:{port}/app:v1"), default));
            Assert.Equal(OciErrorKind.Timeout, e.Kind);
            Assert.Contains($"127.0.0.1:{port}/app:v1: the registry did not answer within 0.5s", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            silent.Stop();
        }
    }

    [Fact]
    public void ReferencesParseAsDockerDoesAndRefuseCredentials()
    {
        Assert.Equal(new OciReference("ghcr.io", "org/app", "v1", null), OciReference.Parse("oci://ghcr.io/org/app:v1"));
        Assert.Equal(new OciReference("127.0.0.1:5000", "a/b", null, null), OciReference.Parse("127.0.0.1:5000/a/b"));
        Assert.Equal(new OciReference("docker.io", "library/nginx", null, null), OciReference.Parse("oci://docker.io/nginx"));
        var digest = "sha256:" + new string('a', 64);
        Assert.Equal(digest, OciReference.Parse($"oci://h/r:t@{digest}").Digest);
        var e = Assert.Throws<OciException>(() => OciReference.Parse("oci://user:hunter2@ghcr.io/org/app"));
        Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
        Assert.Throws<OciException>(() => OciReference.Parse("https://ghcr.io/org/app"));
    }

    [Fact]
    public void BearerChallengesAreParsedWithQuotedAndBareValues()
    {
        var parsed = OciAuthenticator.ParseChallenge("realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\", scope=\"repository:library/nginx:pull,push\",error=insufficient_scope");
        Assert.Equal("https://auth.docker.io/token", parsed["realm"]);
        Assert.Equal("registry.docker.io", parsed["service"]);
        Assert.Equal("repository:library/nginx:pull,push", parsed["scope"]);
        Assert.Equal("insufficient_scope", parsed["error"]);
    }

    [Fact]
    public void DockerConfigCredentialsMatchTheRegistryHost()
    {
        var json = """{"auths":{"https://ghcr.io/v1/":{"username":"u","password":"p"},"other.io":{"auth":"dTI6cDI="}}}"""u8;
        Assert.Equal(new OciCredentials("u", "p"), OciCredentials.FromDockerConfig(json, "ghcr.io"));
        Assert.Equal(new OciCredentials("u2", "p2"), OciCredentials.FromDockerConfig(json, "other.io"));
        Assert.Null(OciCredentials.FromDockerConfig(json, "quay.io"));
        Assert.DoesNotContain("hunter2", new OciCredentials("u", "hunter2").ToString(), StringComparison.Ordinal);
    }
}
