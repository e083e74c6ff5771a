using System.Net;
using System.Text.Json.Nodes;
using FluxSharp.Api.Kustomize.V1;
using FluxSharp.Api.Schema;
using FluxSharp.Api.Source.V1;
using FluxSharp.LocalCluster;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace FluxSharp.Api.Tests;

/// <summary>
/// Our generated CRDs installed on the local control plane through the official client, then our records
/// written and read back through its generic API: the server applies our schema's defaults and validation.
/// </summary>
public sealed class RoundTripTests : IAsyncLifetime
{
    private LocalControlPlane? _plane;
    private Kubernetes? _client;

    private Kubernetes Client => _client ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        _plane = await LocalControlPlane.StartAsync(new LocalControlPlaneOptions());
        using (var kubeconfig = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(_plane.Kubeconfig)))
        {
            _client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        }

        foreach (var crd in FluxApi.Crds())
        {
            var typed = KubernetesJson.Deserialize<V1CustomResourceDefinition>(crd.ToJsonString());
            await _client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(typed);
        }

        foreach (var crd in FluxApi.Crds())
        {
            await WaitEstablishedAsync(crd["metadata"]!["name"]!.GetValue<string>());
        }
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_plane is not null)
        {
            await _plane.DisposeAsync();
        }
    }

    [Fact]
    public async Task GitRepositoryRoundTripsWithServerDefaults()
    {
        var client = Generic<GitRepository>();
        var written = new GitRepository
        {
            Metadata = new V1ObjectMeta { Name = "podinfo", NamespaceProperty = "default", Labels = new Dictionary<string, string> { ["app"] = "podinfo" } },
            Spec = new GitRepositorySpec
            {
                Url = "https://github.com/stefanprodan/podinfo",
                Interval = "1m0s",
                Reference = new GitRepositoryRef { Branch = "master" },
                SecretRef = new LocalObjectReference { Name = "git-auth" },
                Ignore = "/*\n!/kustomize\n",
                Include = [new GitRepositoryInclude { Repository = new LocalObjectReference { Name = "other" }, ToPath = "other/" }],
                SparseCheckout = ["kustomize"],
                Verification = new GitRepositoryVerification { SecretRef = new LocalObjectReference { Name = "keys" } },
            },
        };

        var created = await client.CreateNamespacedAsync(written, "default");
        var read = await client.ReadNamespacedAsync<GitRepository>("default", "podinfo");

        Assert.Equal(GitRepository.ApiVersionValue, read.ApiVersion);
        Assert.Equal(GitRepository.KindName, read.Kind);
        Assert.Equal("podinfo", read.Metadata.Labels["app"]);
        Assert.NotNull(read.Metadata.Uid);
        Assert.Equal(created.Metadata.Uid, read.Metadata.Uid);

        // Defaults from our schema, applied by the server.
        Assert.Equal("60s", read.Spec.Timeout);
        Assert.Equal(GitVerificationModes.Head, read.Spec.Verification?.Mode);
        Assert.Equal(-1, read.Status?.ObservedGeneration);

        var expectedSpec = written.Spec with { Timeout = "60s", Verification = written.Spec.Verification! with { Mode = "HEAD" } };
        AssertSameJson(expectedSpec, read.Spec);

        var list = await client.ListNamespacedAsync<GitRepositoryList>("default");
        Assert.Contains(list.Items, item => item.Metadata.Name == "podinfo");
    }

    [Fact]
    public async Task GitRepositoryStatusRoundTrips()
    {
        var client = Generic<GitRepository>();
        var repo = await client.CreateNamespacedAsync(
            new GitRepository
            {
                Metadata = new V1ObjectMeta { Name = "status-test", NamespaceProperty = "default" },
                Spec = new GitRepositorySpec { Url = "ssh://git@example.com/repo.git", Interval = "5m" },
            },
            "default");

        var clock = DateTime.UtcNow;
        var now = new DateTime(clock.Ticks - (clock.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
        repo.Status = new GitRepositoryStatus
        {
            ObservedGeneration = 1,
            Conditions =
            [
                new Condition
                {
                    Type = ConditionTypes.Ready,
                    Status = ConditionStatus.True,
                    Reason = ConditionReasons.Succeeded,
                    Message = "stored artifact for revision 'main@sha1:0123456789abcdef0123456789abcdef01234567'",
                    LastTransitionTime = now,
                    ObservedGeneration = 1,
                },
            ],
            Artifact = new Artifact
            {
                Path = "gitrepository/default/status-test/0123456789abcdef.tar.gz",
                Url = "http://source-controller.flux-system.svc/gitrepository/default/status-test/0123456789abcdef.tar.gz",
                Revision = "main@sha1:0123456789abcdef0123456789abcdef01234567",
                Digest = "sha256:" + new string('a', 64),
                LastUpdateTime = now,
                Size = 1234,
                Metadata = new Dictionary<string, string> { ["org.opencontainers.image.revision"] = "main" },
            },
            ObservedIgnore = "/*",
            ObservedRecurseSubmodules = false,
            SourceVerificationMode = "HEAD",
            LastHandledReconcileAt = "2024-01-01T00:00:00Z",
        };

        await Client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync(repo, SourceGroup.Name, SourceGroup.Version, "default", GitRepository.Plural, "status-test");
        var read = await client.ReadNamespacedAsync<GitRepository>("default", "status-test");

        AssertSameJson(repo.Status, read.Status);
        Assert.Equal(now, read.Status!.Conditions![0].LastTransitionTime.ToUniversalTime());
    }

    [Fact]
    public async Task KustomizationRoundTripsWithServerDefaults()
    {
        var client = Generic<Kustomization>();
        var written = new Kustomization
        {
            Metadata = new V1ObjectMeta { Name = "apps", NamespaceProperty = "default" },
            Spec = new KustomizationSpec
            {
                Interval = "10m",
                RetryInterval = "1m",
                Timeout = "5m",
                Path = "./kustomize",
                Prune = true,
                Wait = true,
                TargetNamespace = "apps",
                SourceRef = new CrossNamespaceSourceReference { Kind = GitRepository.KindName, Name = "podinfo", Namespace = "flux-system" },
                DependsOn = [new DependencyReference { Name = "infra" }],
                HealthChecks = [new NamespacedObjectKindReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "podinfo", Namespace = "apps" }],
                HealthCheckExprs = [new CustomHealthCheck { ApiVersion = "example.com/v1", Kind = "Thing", Current = "status.ready == true" }],
                Patches = [new Patch { Content = "- op: add\n  path: /metadata/labels/x\n  value: y\n", Target = new Selector { Kind = "Deployment", LabelSelector = "app=podinfo" } }],
                Images = [new Image { Name = "podinfo", NewTag = "6.5.0" }],
                Components = ["../components/a"],
                BuildMetadata = ["originAnnotations"],
                CommonMetadata = new CommonMetadata { Labels = new Dictionary<string, string> { ["team"] = "a" } },
                PostBuild = new PostBuild
                {
                    Substitute = new Dictionary<string, string> { ["cluster"] = "dev" },
                    SubstituteFrom = [new SubstituteReference { Kind = "ConfigMap", Name = "vars" }],
                },
                KubeConfig = new KubeConfigReference { SecretRef = new SecretKeyReference { Name = "remote", Key = "value" } },
                Ignore = [new IgnoreRule { Paths = ["/spec/replicas"], Target = new Selector { Kind = "Deployment" } }],
                Decryption = new Decryption { Provider = "sops", SecretRef = new LocalObjectReference { Name = "sops-age" } },
                DeletionPolicy = DeletionPolicies.Delete,
            },
        };

        await client.CreateNamespacedAsync(written, "default");
        var read = await client.ReadNamespacedAsync<Kustomization>("default", "apps");

        Assert.False(read.Spec.Force);
        Assert.False(read.Spec.PostBuild?.SubstituteFrom?[0].Optional);
        Assert.Equal(-1, read.Status?.ObservedGeneration);
        var expected = written.Spec with
        {
            Force = false,
            PostBuild = written.Spec.PostBuild! with { SubstituteFrom = [written.Spec.PostBuild.SubstituteFrom![0] with { Optional = false }] },
        };
        AssertSameJson(expected, read.Spec);
    }

    [Fact]
    public async Task ServerRejectsWhatFluxsSchemaRejects()
    {
        var repos = Generic<GitRepository>();
        var badUrl = await Assert.ThrowsAsync<HttpOperationException>(() => repos.CreateNamespacedAsync(
            new GitRepository
            {
                Metadata = new V1ObjectMeta { Name = "bad-url", NamespaceProperty = "default" },
                Spec = new GitRepositorySpec { Url = "ftp://example.com/repo", Interval = "1m" },
            },
            "default"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badUrl.Response.StatusCode);
        Assert.Contains("spec.url", badUrl.Response.Content, StringComparison.Ordinal);

        var kustomizations = Generic<Kustomization>();
        var badKind = await Assert.ThrowsAsync<HttpOperationException>(() => kustomizations.CreateNamespacedAsync(
            new Kustomization
            {
                Metadata = new V1ObjectMeta { Name = "bad-kind", NamespaceProperty = "default" },
                Spec = new KustomizationSpec { Interval = "1m", Prune = false, SourceRef = new CrossNamespaceSourceReference { Kind = "HelmRepository", Name = "x" } },
            },
            "default"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badKind.Response.StatusCode);
        Assert.Contains("spec.sourceRef.kind", badKind.Response.Content, StringComparison.Ordinal);
    }

    private GenericClient Generic<T>()
    {
        var resource = CrdGenerator.Resource(typeof(T));
        return new GenericClient(Client, resource.Group, resource.Version, resource.Plural, disposeClient: false);
    }

    private async Task WaitEstablishedAsync(string name)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var crd = await Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(name);
            if (crd.Status?.Conditions?.Any(c => c.Type == "Established" && c.Status == "True") == true)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"CRD {name} not Established within 10s");
            await Task.Delay(50);
        }
    }

    private static void AssertSameJson<T>(T expected, T actual)
    {
        var e = JsonNode.Parse(KubernetesJson.Serialize(expected));
        var a = JsonNode.Parse(KubernetesJson.Serialize(actual));
        Assert.True(JsonNode.DeepEquals(e, a), $"expected:\n{e?.ToJsonString()}\nactual:\n{a?.ToJsonString()}");
    }
}
