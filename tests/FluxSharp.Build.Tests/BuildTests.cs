using System.Text.Json.Nodes;
using FluxSharp.Api;
using FluxSharp.Api.Kustomize.V1;

namespace FluxSharp.Build.Tests;

public class BuildTests
{
    private static KustomizationSpec Spec(string? path = null) => new() { Path = path, Interval = "5m", Prune = true };

    private static Task<BuildResult> Build(TempTree tree, KustomizationSpec spec, IReadOnlyDictionary<string, string>? vars = null, bool strict = true) =>
        KustomizeBuilder.BuildAsync(tree.Root, spec, vars, new KustomizeBuildOptions { Timeout = TimeSpan.FromMinutes(1), StrictSubstitutions = strict }, CancellationToken.None);

    private static JsonObject Find(BuildResult r, string kind, string name) =>
        r.Objects.Single(o => (string?)o["kind"] == kind && (string?)o["metadata"]!["name"] == name);

    private static string Cm(string name, string extra = "") => $"""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: {name}
        data:
          key: value
        {extra}
        """;

    private const string Deploy = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          labels: {app: web}
        spec:
          replicas: 1
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
                - name: web
                  image: ghcr.io/stefanprodan/podinfo:6.0.0
        """;

    [Fact]
    public async Task PlainDirectoryGeneratesKustomizationRecursively()
    {
        using var tree = new TempTree(new Dictionary<string, string>
        {
            ["deploy/app/deployment.yaml"] = Deploy,
            ["deploy/app/service.yml"] = """
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  ports: [{port: 80}]
                """,
            ["deploy/namespace.yaml"] = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n",
            ["deploy/nested/sub/kustomization.yaml"] = "resources: [cm.yaml]\nnamePrefix: sub-\n",
            ["deploy/nested/sub/cm.yaml"] = Cm("conf"),
            ["deploy/README.md"] = "# not yaml",
            ["deploy/config.json"] = "{\"a\": 1}",
            ["deploy/empty.yaml"] = "---\n# only a comment\n",
            ["other/cm.yaml"] = Cm("outside-path"),
        });

        var result = await Build(tree, Spec("./deploy"));

        Assert.Equal(["ConfigMap/sub-conf", "Deployment/web", "Namespace/team", "Service/web"],
            result.Objects.Select(o => $"{o["kind"]}/{o["metadata"]!["name"]}").Order(StringComparer.Ordinal));
        var generated = tree.Read("deploy/kustomization.yaml");
        Assert.Contains("./app/deployment.yaml", generated, StringComparison.Ordinal);
        Assert.Contains("./app/service.yml", generated, StringComparison.Ordinal);
        Assert.Contains("./nested/sub", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("cm.yaml", generated, StringComparison.Ordinal);
        Assert.StartsWith("sha256:", result.Checksum, StringComparison.Ordinal);
        Assert.Equal(71, result.Checksum.Length);
    }

    [Fact]
    public async Task EmptyDirectoryBuildsNothing()
    {
        using var tree = new TempTree(new Dictionary<string, string> { ["empty/README.md"] = "nothing" });
        var result = await Build(tree, Spec("empty"));
        Assert.Empty(result.Objects);
    }

    [Fact]
    public async Task NonKubernetesYamlFailsNamingTheFileAsFlux()
    {
        using var tree = new TempTree(new Dictionary<string, string>
        {
            ["app/cm.yaml"] = Cm("a"),
            ["app/values.yaml"] = "replicaCount: 2\nimage: nginx\n",
        });
        var e = await Assert.ThrowsAsync<BuildException>(() => Build(tree, Spec("app")));
        Assert.Equal(ConditionReasons.BuildFailed, e.Reason);
        Assert.Contains("failed to decode Kubernetes YAML from app/values.yaml", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverlayWithBaseAndComponentsBuilds()
    {
        using var tree = new TempTree(new Dictionary<string, string>
        {
            ["base/kustomization.yaml"] = "resources:\n- deployment.yaml\n",
            ["base/deployment.yaml"] = Deploy,
            ["components/monitoring/kustomization.yaml"] = """
                apiVersion: kustomize.config.k8s.io/v1alpha1
                kind: Component
                resources: [monitor.yaml]
                """,
            ["components/monitoring/monitor.yaml"] = Cm("monitoring"),
            ["components/extra/kustomization.yaml"] = """
                apiVersion: kustomize.config.k8s.io/v1alpha1
                kind: Component
                resources: [extra.yaml]
                """,
            ["components/extra/extra.yaml"] = Cm("extra"),
            ["overlays/production/kustomization.yaml"] = """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - ../../base
                components:
                  - ../../components/monitoring
                patches:
                  - path: replicas.yaml
                """,
            ["overlays/production/replicas.yaml"] = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec: {replicas: 3}
                """,
        });
        var spec = Spec("overlays/production") with { Components = ["../../components/extra", "../../components/missing"], IgnoreMissingComponents = true };

        var result = await Build(tree, spec);

        Assert.Equal(3, (long)Find(result, "Deployment", "web")["spec"]!["replicas"]!);
        Find(result, "ConfigMap", "monitoring");
        Find(result, "ConfigMap", "extra");
    }

    [Fact]
    public async Task MissingComponentFailsUnlessIgnored()
    {
        using var tree = new TempTree(new Dictionary<string, string> { ["app/cm.yaml"] = Cm("a") });
        var e = await Assert.ThrowsAsync<BuildException>(() => Build(tree, Spec("app") with { Components = ["../missing-component"] }));
        Assert.Contains("missing-component", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SpecOverlayFieldsApply()
    {
        using var tree = new TempTree(new Dictionary<string, string>
        {
            ["app/deployment.yaml"] = Deploy,
            ["app/cm.yaml"] = Cm("settings", "  labels: {patch: me}").Replace("data:", "  labels: {patch: me}\ndata:", StringComparison.Ordinal),
        });
        tree.Write(new Dictionary<string, string>
        {
            ["app/cm.yaml"] = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: settings
                  labels: {patch: me}
                  annotations: {existing: keep, team: old}
                data: {key: value}
                """,
        });
        var spec = Spec("app") with
        {
            TargetNamespace = "prod",
            NamePrefix = "pre-",
            NameSuffix = "-suf",
            Images = [new Image { Name = "ghcr.io/stefanprodan/podinfo", NewName = "registry.local/podinfo", NewTag = "6.5.0" }],
            Patches =
            [
                new Patch
                {
                    Content = """
                        apiVersion: v1
                        kind: ConfigMap
                        metadata: {name: not-used}
                        data: {patched: "yes"}
                        """,
                    Target = new Selector { Kind = "ConfigMap", LabelSelector = "patch=me" },
                },
                new Patch
                {
                    Content = """
                        - op: replace
                          path: /spec/replicas
                          value: 5
                        """,
                    Target = new Selector { Group = "apps", Version = "v1", Kind = "Deployment", Name = "web" },
                },
            ],
            CommonMetadata = new CommonMetadata
            {
                Labels = new Dictionary<string, string> { ["env"] = "prod" },
                Annotations = new Dictionary<string, string> { ["team"] = "platform" },
            },
        };

        var result = await Build(tree, spec);

        var deploy = Find(result, "Deployment", "pre-web-suf");
        Assert.Equal("prod", (string?)deploy["metadata"]!["namespace"]);
        Assert.Equal(5, (long)deploy["spec"]!["replicas"]!);
        Assert.Equal("registry.local/podinfo:6.5.0", (string?)deploy["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);
        Assert.Equal("prod", (string?)deploy["metadata"]!["labels"]!["env"]);
        // commonMetadata touches metadata only (Flux sets it on the objects, not through kustomize's selectors).
        Assert.Null(deploy["spec"]!["selector"]!["matchLabels"]!["env"]);
        var cm = Find(result, "ConfigMap", "pre-settings-suf");
        Assert.Equal("yes", (string?)cm["data"]!["patched"]);
        Assert.Equal("value", (string?)cm["data"]!["key"]);
        Assert.Equal("platform", (string?)cm["metadata"]!["annotations"]!["team"]);
        Assert.Equal("keep", (string?)cm["metadata"]!["annotations"]!["existing"]);
    }

    [Fact]
    public async Task ImagesMergeIntoExistingKustomizationAndDigestWins()
    {
        using var tree = new TempTree(new Dictionary<string, string>
        {
            ["app/kustomization.yaml"] = """
                resources: [deployment.yaml]
                images:
                  - name: ghcr.io/stefanprodan/podinfo
                    newName: mirror.local/podinfo
                    newTag: "1.10"
                """,
            ["app/deployment.yaml"] = Deploy,
        });
        var digest = "sha256:" + new string('a', 64);
        var result = await Build(tree, Spec("app") with { Images = [new Image { Name = "ghcr.io/stefanprodan/podinfo", Digest = digest }] });
        Assert.Equal("mirror.local/podinfo@" + digest, (string?)Find(result, "Deployment", "web")["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);
    }

    [Fact]
    public async Task PostBuildSubstitutionTypesValuesLikeFlux()
    {
        using var tree = new TempTree(new Dictionary<string, string>
        {
            ["app/cm.yaml"] = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: settings-${cluster_env:=dev}
                data:
                  quoted: "${replicas}"
                  greeting: ${greeting:-hello}
                  escaped: $${NOT_A_VAR}
                """,
            ["app/deployment.yaml"] = Deploy.Replace("replicas: 1", "replicas: ${replicas}", StringComparison.Ordinal),
            ["app/script.yaml"] = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: script
                  annotations:
                    kustomize.toolkit.fluxcd.io/substitute: disabled
                data:
                  run.sh: echo ${HOME}
                """,
        });
        var spec = Spec("app") with { PostBuild = new PostBuild { Substitute = new Dictionary<string, string> { ["replicas"] = "2" } } };

        var result = await Build(tree, spec);

        var cm = Find(result, "ConfigMap", "settings-dev");
        // kustomize re-renders the YAML, so quotes in the source do not survive: Flux types the value too (fluxcd/flux2#1839).
        Assert.Equal(2, (long)cm["data"]!["quoted"]!);
        Assert.Equal("hello", (string?)cm["data"]!["greeting"]);
        Assert.Equal("${NOT_A_VAR}", (string?)cm["data"]!["escaped"]);
        Assert.Equal(2, (long)Find(result, "Deployment", "web")["spec"]!["replicas"]!);
        Assert.Equal("echo ${HOME}", (string?)Find(result, "ConfigMap", "script")["data"]!["run.sh"]);
    }

    [Fact]
    public async Task MissingVariableStrictAndNot()
    {
        using var tree = new TempTree(new Dictionary<string, string>
        {
            ["app/cm.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  region: \"${region}\"\n",
        });
        var spec = Spec("app") with { PostBuild = new PostBuild { Substitute = new Dictionary<string, string> { ["other"] = "x" } } };

        var e = await Assert.ThrowsAsync<BuildException>(() => Build(tree, spec, strict: true));
        Assert.Equal(ConditionReasons.BuildFailed, e.Reason);
        Assert.Contains("post build failed for '~G_v1_ConfigMap/c'", e.Message, StringComparison.Ordinal);
        Assert.Contains("variable not set (strict mode): \"region\"", e.Message, StringComparison.Ordinal);

        using var tree2 = new TempTree(new Dictionary<string, string> { ["app/cm.yaml"] = tree.Read("app/cm.yaml") });
        var result = await Build(tree2, spec, strict: false);
        // "${region}" renders as a plain scalar and an empty plain scalar is null, as in Flux.
        Assert.Null(Find(result, "ConfigMap", "c")["data"]!["region"]);
    }

    [Fact]
    public async Task SubstituteFromVariablesPassedByTheReconciler()
    {
        using var tree = new TempTree(new Dictionary<string, string>
        {
            ["app/cm.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: ${a}\n  b: ${b}\n",
        });
        var vars = Substitution.SubstitutionVariables.Merge(
            [new Dictionary<string, string> { ["a"] = "from-cm", ["b"] = "from-cm" }],
            new Dictionary<string, string> { ["b"] = "inline" });
        var spec = Spec("app") with { PostBuild = new PostBuild { Substitute = new Dictionary<string, string> { ["b"] = "inline" } } };
        var result = await Build(tree, spec, vars);
        Assert.Equal("from-cm", (string?)Find(result, "ConfigMap", "c")["data"]!["a"]);
        Assert.Equal("inline", (string?)Find(result, "ConfigMap", "c")["data"]!["b"]);
    }

    [Fact]
    public async Task InvalidYamlInResourceNamesFileAndLine()
    {
        using var tree = new TempTree(new Dictionary<string, string>
        {
            ["app/kustomization.yaml"] = "resources:\n- broken.yaml\n",
            ["app/broken.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: [b\n",
        });
        var e = await Assert.ThrowsAsync<BuildException>(() => Build(tree, Spec("app")));
        Assert.Equal(ConditionReasons.BuildFailed, e.Reason);
        Assert.Contains("broken.yaml", e.Message, StringComparison.Ordinal);
        Assert.Contains("line ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(tree.Root, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidYamlInPlainManifestNamesFileAndLine()
    {
        using var tree = new TempTree(new Dictionary<string, string>
        {
            ["app/ok.yaml"] = Cm("ok"),
            ["app/broken.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: [b\n",
        });
        var e = await Assert.ThrowsAsync<BuildException>(() => Build(tree, Spec("app")));
        Assert.Contains("app/broken.yaml: line ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidKustomizationFileNamesFileAndLine()
    {
        using var tree = new TempTree(new Dictionary<string, string>
        {
            ["app/kustomization.yaml"] = "resources:\n- cm.yaml\n  bad: [\n",
            ["app/cm.yaml"] = Cm("a"),
        });
        var e = await Assert.ThrowsAsync<BuildException>(() => Build(tree, Spec("app")));
        Assert.Contains("invalid kustomization file app/kustomization.yaml: line 3", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("app/../../outside")]
    public async Task PathOutsideRootIsRejected(string path)
    {
        using var tree = new TempTree(new Dictionary<string, string> { ["app/cm.yaml"] = Cm("a") });
        var e = await Assert.ThrowsAsync<BuildException>(() => Build(tree, Spec(path)));
        Assert.Equal(ConditionReasons.ArtifactFailed, e.Reason);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingPathIsAnArtifactFailure()
    {
        using var tree = new TempTree(new Dictionary<string, string> { ["app/cm.yaml"] = Cm("a") });
        var e = await Assert.ThrowsAsync<BuildException>(() => Build(tree, Spec("./nope")));
        Assert.Equal(ConditionReasons.ArtifactFailed, e.Reason);
        Assert.Contains("kustomization path not found", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("resources:\n- ../../outside.yaml\n")]
    [InlineData("resources:\n- /etc/hostname\n")]
    [InlineData("configMapGenerator:\n- name: leak\n  files:\n  - passwd=../../../../../../etc/passwd\n")]
    public async Task KustomizationCannotReachOutsideTheRoot(string kustomization)
    {
        using var tree = new TempTree(new Dictionary<string, string> { ["app/kustomization.yaml"] = kustomization });
        var e = await Assert.ThrowsAsync<BuildException>(() => Build(tree, Spec("app")));
        Assert.Equal(ConditionReasons.BuildFailed, e.Reason);
        Assert.Contains("app/kustomization.yaml", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReferencedBaseCannotReachOutsideTheRootEither()
    {
        using var tree = new TempTree(new Dictionary<string, string>
        {
            ["app/kustomization.yaml"] = "resources: [../base]\n",
            ["base/kustomization.yaml"] = "resources: [../../../etc]\n",
            ["unrelated/kustomization.yaml"] = "this: is: broken: [\n",
        });
        var e = await Assert.ThrowsAsync<BuildException>(() => Build(tree, Spec("app")));
        Assert.Contains("base/kustomization.yaml: resources '../../../etc' points outside the source root", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnrelatedBrokenKustomizationDoesNotMatter()
    {
        using var tree = new TempTree(new Dictionary<string, string>
        {
            ["app/cm.yaml"] = Cm("a"),
            ["unrelated/kustomization.yaml"] = "this: is: broken: [\n",
        });
        Assert.Single((await Build(tree, Spec("app"))).Objects);
    }

    [Fact]
    public async Task FilesOutsideTheKustomizationDirButInsideTheRootLoad()
    {
        // Flux builds with LoadRestrictionsNone: a patch file from a sibling directory is fine.
        using var tree = new TempTree(new Dictionary<string, string>
        {
            ["shared/patch.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  key: patched\n",
            ["app/kustomization.yaml"] = "resources: [cm.yaml]\npatches:\n- path: ../shared/patch.yaml\n",
            ["app/cm.yaml"] = Cm("a"),
        });
        var result = await Build(tree, Spec("app"));
        Assert.Equal("patched", (string?)Find(result, "ConfigMap", "a")["data"]!["key"]);
    }

    [Fact]
    public async Task CancellationStopsTheBuild()
    {
        using var tree = new TempTree(new Dictionary<string, string> { ["app/cm.yaml"] = Cm("a") });
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => KustomizeBuilder.BuildAsync(tree.Root, Spec("app"), null, cts.Token));
    }

    [Fact]
    public async Task MultiClusterRepositoryLayoutBuilds()
    {
        using var tree = new TempTree(MultiClusterRepo.Files);

        var cluster = await Build(tree, Spec("./clusters/production"));
        Assert.Contains(cluster.Objects, o => (string?)o["kind"] == "Kustomization" && (string?)o["metadata"]!["name"] == "apps");
        Assert.Contains(cluster.Objects, o => (string?)o["kind"] == "Kustomization" && (string?)o["metadata"]!["name"] == "infra-controllers");
        Assert.Contains(cluster.Objects, o => (string?)o["kind"] == "GitRepository" && (string?)o["metadata"]!["name"] == "flux-system");

        var infra = await Build(tree, Spec("./infrastructure/controllers"));
        Assert.Contains(infra.Objects, o => (string?)o["kind"] == "HelmRelease" && (string?)o["metadata"]!["name"] == "ingress-nginx");

        var apps = await Build(tree, Spec("./apps/production") with
        {
            PostBuild = new PostBuild { Substitute = new Dictionary<string, string> { ["cluster_domain"] = "example.com" } },
        });
        var release = apps.Objects.Single(o => (string?)o["kind"] == "HelmRelease");
        Assert.Equal("podinfo", (string?)release["metadata"]!["namespace"]);
        Assert.Equal("podinfo.example.com", (string?)release["spec"]!["values"]!["ingress"]!["hosts"]![0]!["host"]);
        Assert.Equal(">=6.0.0", (string?)release["spec"]!["chart"]!["spec"]!["version"]);
    }
}
