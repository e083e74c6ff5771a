using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using FluxSharp.Api;
using FluxSharp.Api.Kustomize.V1;
using FluxSharp.Api.Source.V1;
using FluxSharp.Controllers.Tests.Infrastructure;
using FluxSharp.Sources.Oci;
using FluxSharp.Testing;
using FluxSharp.Testing.Oci;
using k8s;
using k8s.Models;

namespace FluxSharp.Controllers.Tests;

/// <summary>OCIRepository against a real registry, and Kustomizations applying what it pulls.</summary>
public sealed class OCIRepositoryTests : IClassFixture<OciControllerFixture>
{
    private readonly OciControllerFixture _f;

    public OCIRepositoryTests(OciControllerFixture f) => _f = f;

    private static Dictionary<string, string> ConfigMap(string value) => new()
    {
        ["deploy/cm.yaml"] = $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-oci\ndata:\n  value: \"{value}\"\n",
    };

    private string Url(string ns) => $"oci://{_f.Registry.Host}/{ns}/manifests";

    [Fact]
    public async Task PushedManifestsAreAppliedAndANewSemverTagIsPickedUpOnTheNextReconcile()
    {
        var ns = await _f.NewNamespaceAsync();
        var url = Url(ns);
        var d1 = await _f.PushAsync(url + ":1.0.0", ConfigMap("one"));
        await _f.PushAsync(url + ":2.0.0-rc.1", ConfigMap("prerelease"));
        await _f.CreateAsync(OciControllerFixture.NewRepository(ns, "app", url, new OCIRepositoryRef { SemVer = ">=1.0.0" }));
        var repo = await _f.WaitReadyAsync(ns, "app", $"1.0.0@{d1}");
        Assert.Equal($"stored artifact for digest '1.0.0@{d1}'", OciControllerFixture.Ready(repo)!.Message);
        Assert.Equal("https://example.com/app.git", repo.Status!.Artifact!.Metadata![OciAnnotations.Source]);
        Assert.Equal(repo.Status.Artifact.Url, repo.Status.Url);

        await _f.CreateAsync(new Kustomization
        {
            Metadata = new V1ObjectMeta { Name = "app", NamespaceProperty = ns },
            Spec = new KustomizationSpec
            {
                SourceRef = new CrossNamespaceSourceReference { Kind = OCIRepository.KindName, Name = "app" },
                Path = "./deploy",
                Interval = "1h",
                RetryInterval = "2s",
                Timeout = "20s",
                Prune = true,
                TargetNamespace = ns,
            },
        });
        await Eventually.WaitAsync(() => _f.ConfigMapAsync(ns, "from-oci"), cm => cm?.Data?["value"] == "one", OciControllerFixture.DefaultTimeout, "ConfigMap from the artifact");

        // The next interval (a reconcile request stands for it): the higher tag is pulled and applied.
        var d2 = await _f.PushAsync(url + ":1.1.0", ConfigMap("two"));
        var next = await _f.ReconcileAsync(ns, "app");
        Assert.Equal($"1.1.0@{d2}", next.Status!.Artifact!.Revision);
        await Eventually.WaitAsync(() => _f.ConfigMapAsync(ns, "from-oci"), cm => cm?.Data?["value"] == "two", OciControllerFixture.DefaultTimeout, "ConfigMap of the new tag");
    }

    [Fact]
    public async Task AnUnchangedDigestStoresNothingNew()
    {
        var ns = await _f.NewNamespaceAsync();
        var digest = await _f.PushAsync(Url(ns) + ":latest", ConfigMap("same"));
        await _f.CreateAsync(OciControllerFixture.NewRepository(ns, "app", Url(ns)));
        var first = (await _f.WaitReadyAsync(ns, "app", $"latest@{digest}")).Status!.Artifact!;
        var again = (await _f.ReconcileAsync(ns, "app")).Status!.Artifact!;
        Assert.Equal(first with { Metadata = null }, again with { Metadata = null });
        Assert.Equal(first.Metadata, again.Metadata);

        // Retagging the same manifest elsewhere changes nothing either; a new push does.
        var changed = await _f.PushAsync(Url(ns) + ":latest", ConfigMap("new"));
        var updated = (await _f.ReconcileAsync(ns, "app")).Status!.Artifact!;
        Assert.Equal($"latest@{changed}", updated.Revision);
        Assert.NotEqual(first.Digest, updated.Digest);
    }

    [Fact]
    public async Task HelmChartLayerSelectedWithCopyIsStoredUnextracted()
    {
        var ns = await _f.NewNamespaceAsync();
        var url = $"oci://{_f.Registry.Host}/{ns}/charts/demo";
        using var chart = new MemoryStream();
        await using (var gz = new GZipStream(chart, CompressionLevel.Optimal, leaveOpen: true))
        await using (var tar = new TarWriter(gz))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "demo/Chart.yaml") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes("apiVersion: v2\nname: demo\nversion: 0.1.0\n")) };
            await tar.WriteEntryAsync(entry);
        }

        var layerBytes = chart.ToArray();
        var config = Encoding.UTF8.GetBytes("""{"name":"demo","version":"0.1.0","apiVersion":"v2"}""");
        var layer = new OciDescriptor { MediaType = OciMediaTypes.HelmChartContent, Digest = Sha(layerBytes), Size = layerBytes.Length };
        var manifest = new OciManifest
        {
            MediaType = OciMediaTypes.ImageManifest,
            Config = new OciDescriptor { MediaType = OciMediaTypes.HelmConfig, Digest = Sha(config), Size = config.Length },
            Layers = [layer],
        };
        using (var client = new OciRegistryClient(new OciClientOptions { Insecure = true }))
        {
            await FluxArtifact.PushManifestAsync(client, OciReference.Parse(url + ":0.1.0"), manifest, new Dictionary<string, Func<Stream>>
            {
                [layer.Digest] = () => new MemoryStream(layerBytes),
                [manifest.Config.Digest] = () => new MemoryStream(config),
            }, CancellationToken.None);
        }

        var repo = OciControllerFixture.NewRepository(ns, "chart", url, new OCIRepositoryRef { Tag = "0.1.0" });
        repo.Spec = repo.Spec with { LayerSelector = new OCILayerSelector { MediaType = OciMediaTypes.HelmChartContent, Operation = OCILayerOperations.Copy } };
        await _f.CreateAsync(repo);
        var ready = await _f.WaitReadyAsync(ns, "chart");
        Assert.Equal(layer.Digest, ready.Status!.Artifact!.Digest);
        Assert.Equal(layerBytes, await File.ReadAllBytesAsync(Path.Combine(_f.StoragePath, ready.Status.Artifact.Path)));
        Assert.Equal(OCILayerOperations.Copy, ready.Status.ObservedLayerSelector!.Operation);
    }

    [Fact]
    public async Task UnknownTagFailsNamingUrlAndTagAndKeepsTheLastGoodArtifact()
    {
        var ns = await _f.NewNamespaceAsync();
        var digest = await _f.PushAsync(Url(ns) + ":good", ConfigMap("good"));
        await _f.CreateAsync(OciControllerFixture.NewRepository(ns, "app", Url(ns), new OCIRepositoryRef { Tag = "good" }));
        var good = (await _f.WaitReadyAsync(ns, "app", $"good@{digest}")).Status!.Artifact!;

        await _f.PatchAsync(ns, "app", """{"spec":{"ref":{"tag":"missing"}}}""");
        var failed = await _f.WaitConditionAsync(ns, "app", ConditionTypes.FetchFailed, ConditionReasons.OciPullFailed);
        var message = OciControllerFixture.Ready(failed)!.Message;
        Assert.Contains(Url(ns), message, StringComparison.Ordinal);
        Assert.Contains(":missing", message, StringComparison.Ordinal);
        Assert.Equal(good with { Metadata = null }, failed.Status!.Artifact! with { Metadata = null });
        Assert.True(File.Exists(Path.Combine(_f.StoragePath, good.Path)));
    }

    [Fact]
    public async Task WrongCredentialsFailWithoutShowingThemAndTheRightOnesWork()
    {
        var ns = await _f.NewNamespaceAsync();
        var url = $"oci://{_f.AuthRegistry.Host}/{ns}/private";
        var credentials = new OciCredentials("flux", _f.AuthRegistry.Password);
        var digest = await _f.PushAsync(url + ":v1", ConfigMap("private"), credentials);
        await _f.SecretAsync(ns, "wrong", ".dockerconfigjson", _f.AuthRegistry.DockerConfigJson(password: "hunter2-wrong"));
        await _f.SecretAsync(ns, "right", ".dockerconfigjson", _f.AuthRegistry.DockerConfigJson());
        var repo = OciControllerFixture.NewRepository(ns, "app", url, new OCIRepositoryRef { Tag = "v1" });
        repo.Spec = repo.Spec with { SecretRef = new LocalObjectReference { Name = "wrong" } };
        await _f.CreateAsync(repo);
        var failed = await _f.WaitConditionAsync(ns, "app", ConditionTypes.FetchFailed, ConditionReasons.AuthenticationFailed);
        Assert.DoesNotContain("hunter2-wrong", OciControllerFixture.Ready(failed)!.Message, StringComparison.Ordinal);
        Assert.Contains(url[6..], OciControllerFixture.Ready(failed)!.Message, StringComparison.Ordinal);

        await _f.PatchAsync(ns, "app", """{"spec":{"secretRef":{"name":"right"}}}""");
        await _f.WaitReadyAsync(ns, "app", $"v1@{digest}");
    }

    [Fact]
    public async Task TarWithPathTraversalIsRefusedAndNothingIsStored()
    {
        var ns = await _f.NewNamespaceAsync();
        var url = Url(ns);
        using var evil = new MemoryStream();
        await using (var gz = new GZipStream(evil, CompressionLevel.Optimal, leaveOpen: true))
        await using (var tar = new TarWriter(gz))
        {
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "../escape.yaml") { DataStream = new MemoryStream("kind: ConfigMap\n"u8.ToArray()) });
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.SymbolicLink, "link") { LinkName = "/etc/passwd" });
        }

        var bytes = evil.ToArray();
        var layer = new OciDescriptor { MediaType = OciMediaTypes.FluxContent, Digest = Sha(bytes), Size = bytes.Length };
        var manifest = FluxArtifact.Manifest(layer, FluxArtifact.Annotations(new FluxArtifactMetadata { Reproducible = true }, DateTimeOffset.UnixEpoch));
        using (var client = new OciRegistryClient(new OciClientOptions { Insecure = true }))
        {
            await FluxArtifact.PushManifestAsync(client, OciReference.Parse(url + ":evil"), manifest, new Dictionary<string, Func<Stream>>
            {
                [layer.Digest] = () => new MemoryStream(bytes),
                [manifest.Config!.Digest] = () => new MemoryStream(FluxArtifact.ConfigBytes.ToArray()),
            }, CancellationToken.None);
        }

        await _f.CreateAsync(OciControllerFixture.NewRepository(ns, "evil", url, new OCIRepositoryRef { Tag = "evil" }));
        var failed = await _f.WaitConditionAsync(ns, "evil", ConditionTypes.FetchFailed, ConditionReasons.OciLayerOperationFailed);
        Assert.Contains("../escape.yaml", OciControllerFixture.Ready(failed)!.Message, StringComparison.Ordinal);
        Assert.Null(failed.Status!.Artifact);
        Assert.False(File.Exists(Path.Combine(_f.StoragePath, "..", "escape.yaml")));
    }

    [Fact]
    public async Task VerifyAndCloudProvidersStallAsNotSupportedYet()
    {
        var ns = await _f.NewNamespaceAsync();
        var repo = OciControllerFixture.NewRepository(ns, "signed", Url(ns));
        repo.Spec = repo.Spec with { Verify = new OCIRepositoryVerification { Provider = "cosign" } };
        await _f.CreateAsync(repo);
        var stalled = await _f.WaitConditionAsync(ns, "signed", ConditionTypes.Stalled, "UnsupportedField");
        Assert.Contains("spec.verify", OciControllerFixture.Ready(stalled)!.Message, StringComparison.Ordinal);

        var aws = OciControllerFixture.NewRepository(ns, "aws", Url(ns));
        aws.Spec = aws.Spec with { Provider = "aws" };
        await _f.CreateAsync(aws);
        var stalledAws = await _f.WaitConditionAsync(ns, "aws", ConditionTypes.Stalled, "UnsupportedField");
        Assert.Contains("spec.provider \"aws\"", OciControllerFixture.Ready(stalledAws)!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SemverFilterAndDigestReferencesPickTheirArtifact()
    {
        var ns = await _f.NewNamespaceAsync();
        var url = Url(ns);
        var dev = await _f.PushAsync(url + ":1.2.0-dev.1", ConfigMap("dev"));
        await _f.PushAsync(url + ":1.3.0", ConfigMap("stable"));
        await _f.CreateAsync(OciControllerFixture.NewRepository(ns, "dev", url, new OCIRepositoryRef { SemVer = ">=1.0.0-0", SemverFilter = ".*-dev.*" }));
        await _f.WaitReadyAsync(ns, "dev", $"1.2.0-dev.1@{dev}");

        await _f.CreateAsync(OciControllerFixture.NewRepository(ns, "pinned", url, new OCIRepositoryRef { Digest = dev, Tag = "1.3.0" }));
        await _f.WaitReadyAsync(ns, "pinned", dev);
    }

    [Fact]
    public async Task TlsRegistryIsReadWithTheCaOfCertSecretRefAndAServiceAccountsPullSecret()
    {
        var ns = await _f.NewNamespaceAsync();
        var server = _f.TlsRegistry;
        var url = $"oci://{server.Host}/{ns}/tls";
        var digest = await _f.PushAsync(url + ":v1", ConfigMap("tls"), options: new OciClientOptions { CaCertificates = [server.Certificates!.Ca] });
        var repo = OciControllerFixture.NewRepository(ns, "tls", url, new OCIRepositoryRef { Tag = "v1" });
        repo.Spec = repo.Spec with { Insecure = null };
        await _f.CreateAsync(repo);
        var untrusted = await _f.WaitConditionAsync(ns, "tls", ConditionTypes.FetchFailed, ConditionReasons.AuthenticationFailed);
        Assert.Contains("certificate", OciControllerFixture.Ready(untrusted)!.Message, StringComparison.Ordinal);

        await _f.SecretAsync(ns, "ca", "ca.crt", Encoding.UTF8.GetBytes(server.Certificates.CaPem), "Opaque");
        await _f.PatchAsync(ns, "tls", """{"spec":{"certSecretRef":{"name":"ca"}}}""");
        await _f.WaitReadyAsync(ns, "tls", $"v1@{digest}");

        // imagePullSecrets of spec.serviceAccountName give the credentials of a private registry.
        var auth = _f.AuthRegistry;
        var privateUrl = $"oci://{auth.Host}/{ns}/sa";
        var privateDigest = await _f.PushAsync(privateUrl + ":v1", ConfigMap("sa"), new OciCredentials("flux", auth.Password));
        await _f.SecretAsync(ns, "pull", ".dockerconfigjson", auth.DockerConfigJson());
        await _f.Client.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount
        {
            Metadata = new V1ObjectMeta { Name = "puller", NamespaceProperty = ns },
            ImagePullSecrets = [new V1LocalObjectReference { Name = "pull" }],
        }, ns);
        var withSa = OciControllerFixture.NewRepository(ns, "sa", privateUrl, new OCIRepositoryRef { Tag = "v1" });
        withSa.Spec = withSa.Spec with { ServiceAccountName = "puller" };
        await _f.CreateAsync(withSa);
        await _f.WaitReadyAsync(ns, "sa", $"v1@{privateDigest}");
    }

    [Fact]
    public async Task ManifestPointingAtAMissingBlobFailsAndKeepsTheLastGoodArtifact()
    {
        var ns = await _f.NewNamespaceAsync();
        var url = Url(ns);
        var good = await _f.PushAsync(url + ":v1", ConfigMap("good"));
        await _f.CreateAsync(OciControllerFixture.NewRepository(ns, "app", url, new OCIRepositoryRef { Tag = "v1" }));
        var stored = (await _f.WaitReadyAsync(ns, "app", $"v1@{good}")).Status!.Artifact!;

        // A layer of its own (blobs are shared across repositories), then removed from the registry's storage.
        var files = ConfigMap("gone");
        files["unique.txt"] = Guid.NewGuid().ToString();
        var broken = await _f.PushAsync(url + ":v1", files);
        using (var client = new OciRegistryClient(new OciClientOptions { Insecure = true }))
        {
            var layer = await FluxArtifact.SelectLayerAsync(client, OciReference.Parse(url + ":v1"), null, CancellationToken.None);
            File.Delete(_f.Registry.BlobPath(layer.Layer.Digest));
        }

        var failed = await _f.ReconcileAsync(ns, "app");
        var ready = OciControllerFixture.Ready(failed)!;
        Assert.Equal("False", ready.Status);
        Assert.Equal(ConditionReasons.OciPullFailed, ready.Reason);
        Assert.Contains(url, ready.Message, StringComparison.Ordinal);
        Assert.Equal(stored.Revision, failed.Status!.Artifact!.Revision);
        Assert.NotEqual($"v1@{broken}", failed.Status.Artifact.Revision);
        Assert.True(File.Exists(Path.Combine(_f.StoragePath, stored.Path)));
    }

    [Fact]
    public async Task ProxySecretRefSendsEveryRequestThroughTheProxy()
    {
        var ns = await _f.NewNamespaceAsync();
        await using var proxy = await ForwardProxy.StartAsync();
        var digest = await _f.PushAsync(Url(ns) + ":v1", ConfigMap("proxied"));
        await _f.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "proxy", NamespaceProperty = ns },
            StringData = new Dictionary<string, string> { ["address"] = proxy.Address.ToString(), ["username"] = proxy.User, ["password"] = proxy.Password },
        }, ns);
        var repo = OciControllerFixture.NewRepository(ns, "app", Url(ns), new OCIRepositoryRef { Tag = "v1" });
        repo.Spec = repo.Spec with { ProxySecretRef = new LocalObjectReference { Name = "proxy" } };
        await _f.CreateAsync(repo);
        await _f.WaitReadyAsync(ns, "app", $"v1@{digest}");
        Assert.True(proxy.Forwarded >= 3, $"{proxy.Forwarded} requests went through the proxy");
    }

    [Fact]
    public async Task AMissingLayerMediaTypeFailsAndAnInvalidSemverRangeStalls()
    {
        var ns = await _f.NewNamespaceAsync();
        await _f.PushAsync(Url(ns) + ":1.0.0", ConfigMap("x"));
        var repo = OciControllerFixture.NewRepository(ns, "chart", Url(ns), new OCIRepositoryRef { Tag = "1.0.0" });
        repo.Spec = repo.Spec with { LayerSelector = new OCILayerSelector { MediaType = OciMediaTypes.HelmChartContent } };
        await _f.CreateAsync(repo);
        var failed = await _f.WaitConditionAsync(ns, "chart", ConditionTypes.FetchFailed, ConditionReasons.OciLayerOperationFailed);
        Assert.Contains($"failed to find layer with media type '{OciMediaTypes.HelmChartContent}'", OciControllerFixture.Ready(failed)!.Message, StringComparison.Ordinal);

        await _f.CreateAsync(OciControllerFixture.NewRepository(ns, "range", Url(ns), new OCIRepositoryRef { SemVer = "not a range" }));
        var stalled = await _f.WaitConditionAsync(ns, "range", ConditionTypes.Stalled, ConditionReasons.ReadOperationFailed);
        Assert.Contains("not a range", OciControllerFixture.Ready(stalled)!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANoChangeReconcileOfATokenRegistryReusesItsToken()
    {
        var ns = await _f.NewNamespaceAsync();
        var server = _f.TokenRegistry;
        var url = $"oci://{server.Host}/{ns}/private";
        var digest = await _f.PushAsync(url + ":v1", ConfigMap("token"), new OciCredentials("flux", server.Password));
        await _f.SecretAsync(ns, "creds", ".dockerconfigjson", server.DockerConfigJson());
        var repo = OciControllerFixture.NewRepository(ns, "app", url, new OCIRepositoryRef { Tag = "v1" });
        repo.Spec = repo.Spec with { SecretRef = new LocalObjectReference { Name = "creds" } };
        await _f.CreateAsync(repo);
        var first = (await _f.WaitReadyAsync(ns, "app", $"v1@{digest}")).Status!.Artifact!;

        var issued = server.Tokens!.Issued;
        var again = (await _f.ReconcileAsync(ns, "app")).Status!.Artifact!;
        Assert.Equal(first.LastUpdateTime, again.LastUpdateTime);
        Assert.Equal(issued, server.Tokens.Issued);
    }

    private static string Sha(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
}
