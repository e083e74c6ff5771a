using System.Text.Json.Nodes;

namespace FluxSharp.Cli.Tests;

/// <summary>Paths of the build sample and golden files, and golden comparison (FLUXSHARP_UPDATE_GOLDEN=1 rewrites them).</summary>
internal static class BuildSamples
{
    /// <summary>tests/FluxSharp.Cli.Tests in the source tree (the test runs from its bin/&lt;config&gt;/net10.0).</summary>
    public static string ProjectDir => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", ".."));

    public static string RepositoryDir => Path.GetFullPath(Path.Combine(ProjectDir, "..", ".."));

    /// <summary>The sample: base + overlay + component, and the Kustomization app.yaml using them (in the source tree, so ../base resolves through git).</summary>
    public static string Sample => Path.Combine(ProjectDir, "testdata", "build-kustomization");

    public static string Hello => Path.Combine(RepositoryDir, "examples", "hello");

    public static void AssertGolden(string name, string actual)
    {
        if (Environment.GetEnvironmentVariable("FLUXSHARP_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(Path.Combine(ProjectDir, "golden", name), actual);
            return;
        }

        Assert.Equal(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "golden", name)), actual);
    }

    public static async Task KubectlApplyAsync(string kubeconfig, string json)
    {
        var file = Path.Combine(Path.GetTempPath(), $"fluxsharp-build-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, json);
        try
        {
            await ManagerProcess.KubectlAsync(kubeconfig, "apply", "-f", file);
        }
        finally
        {
            File.Delete(file);
        }
    }
}

/// <summary>`fluxsharp build kustomization --dry-run`: no cluster at all (the kubeconfig given does not exist).</summary>
public sealed class BuildKustomizationDryRunTests
{
    private const string NoCluster = "/nonexistent/kubeconfig";

    [Fact]
    public async Task DryRunRendersPatchesImagesComponentsPrefixNamespaceMetadataAndSubstitutions()
    {
        var result = await FluxResult.RunAsync(
            "build", "kustomization", "app", "--path", Path.Combine(BuildSamples.Sample, "overlay"),
            "--kustomization-file", Path.Combine(BuildSamples.Sample, "app.yaml"), "--dry-run", "--kubeconfig", NoCluster);
        Assert.True(result.ExitCode == 0, result.Stderr);
        BuildSamples.AssertGolden("build-kustomization-dry-run.yaml", result.Stdout);
        // flux skips substituteFrom without a cluster; we say so.
        Assert.Equal("⚠️ dry-run: postBuild.substituteFrom skipped (ConfigMap/build-vars), its variables are not read without a cluster\n", result.Stderr);
    }

    [Fact]
    public async Task DryRunMasksSopsEncryptedSecretsAsFluxDoes()
    {
        var dir = Path.Combine(Path.GetTempPath(), "fluxsharp-build-sops", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        try
        {
            const string sops = "sops:\n  mac: ENC[AES256_GCM,data:bWFj,iv:aXY=,tag:dGFn,type:str]\n  version: 3.7.3\n";
            await File.WriteAllTextAsync(Path.Combine(dir, "docker.yaml"), "apiVersion: v1\nkind: Secret\nmetadata:\n  name: registry\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: ENC[AES256_GCM,data:eyJ9,iv:aXY=,tag:dGFn,type:str]\n" + sops);
            await File.WriteAllTextAsync(Path.Combine(dir, "basic.yaml"), "apiVersion: v1\nkind: Secret\nmetadata:\n  name: basic\ntype: kubernetes.io/basic-auth\nstringData:\n  username: ENC[AES256_GCM,data:dXNlcg==,iv:aXY=,tag:dGFn,type:str]\n" + sops);
            await File.WriteAllTextAsync(Path.Combine(dir, "plain.yaml"), "apiVersion: v1\nkind: Secret\nmetadata:\n  name: plain\nstringData:\n  username: admin\n");
            var ks = Path.Combine(dir, "ks.yaml");
            await File.WriteAllTextAsync(ks, "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: sops\n  namespace: flux-system\nspec:\n  interval: 5m\n  prune: true\n  path: ./\n  sourceRef:\n    kind: GitRepository\n    name: repo\n");

            var result = await FluxResult.RunAsync("build", "kustomization", "sops", "--path", dir, "--kustomization-file", ks, "--dry-run", "--kubeconfig", NoCluster);
            Assert.True(result.ExitCode == 0, result.Stderr);
            var secrets = new YamlDotNet.Serialization.DeserializerBuilder().Build();
            var docs = result.Stdout.Split("---\n", StringSplitOptions.RemoveEmptyEntries)
                .Select(d => secrets.Deserialize<Dictionary<string, object>>(d))
                .ToDictionary(d => (string)((Dictionary<object, object>)d["metadata"])["name"]);
            Assert.All(docs.Values, d => Assert.False(d.ContainsKey("sops")));
            // A docker config stays JSON: base64 of {"mask":"**SOPS**"}, as flux prints it.
            Assert.Equal("eyJtYXNrIjoiKipTT1BTKioifQ==", ((Dictionary<object, object>)docs["registry"]["data"])[".dockerconfigjson"]);
            Assert.Equal("**SOPS**", ((Dictionary<object, object>)docs["basic"]["stringData"])["username"]);
            Assert.Equal("admin", ((Dictionary<object, object>)docs["plain"]["stringData"])["username"]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task StrictSubstituteFailsOnAMissingVariableNamingIt()
    {
        var result = await FluxResult.RunAsync(
            "build", "ks", "app", "--path", Path.Combine(BuildSamples.Sample, "overlay"),
            "--kustomization-file", Path.Combine(BuildSamples.Sample, "app.yaml"), "--dry-run", "--strict-substitute", "--kubeconfig", NoCluster);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        var error = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last();
        Assert.Equal("✗ post build failed for '~G_v1_ConfigMap/demo-settings': envsubst error: variable substitution failed: variable not set (strict mode): \"owner\"", error);
    }

    [Fact]
    public async Task AGeneratedKustomizationIsNeverWrittenIntoTheDirectory()
    {
        var file = Path.Combine(Path.GetTempPath(), $"fluxsharp-ks-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, """
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata:
              name: flux-system
            spec:
              interval: 10m
              path: ./examples/hello
              sourceRef:
                kind: GitRepository
                name: flux-system
            """);
        try
        {
            var result = await FluxResult.RunAsync("build", "ks", "flux-system", "--path", BuildSamples.Hello, "--kustomization-file", file, "--dry-run", "--kubeconfig", NoCluster);
            Assert.True(result.ExitCode == 0, result.Stderr);
            Assert.Equal(string.Empty, result.Stderr);
            var docs = result.Stdout.Split("---\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(4, docs.Length);
            Assert.All(docs, d => Assert.Contains("    kustomize.toolkit.fluxcd.io/name: flux-system\n    kustomize.toolkit.fluxcd.io/namespace: flux-system\n", d, StringComparison.Ordinal));
            Assert.StartsWith("apiVersion: v1\nkind: Namespace\n", docs[0], StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(BuildSamples.Hello, "kustomization.yaml")));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task SymlinksLeavingTheDirectoryAreSkippedAndAPathThroughASymlinkBuilds()
    {
        var temp = Path.Combine(Path.GetTempPath(), $"fluxsharp-links-{Guid.NewGuid():N}");
        var dir = Path.Combine(temp, "app");
        var outside = Path.Combine(temp, "outside");
        Directory.CreateDirectory(Path.Combine(dir, "real"));
        Directory.CreateDirectory(outside);
        try
        {
            // No kustomization.yaml: the generated one lists every manifest, a symlinked one leading outside too.
            await File.WriteAllTextAsync(Path.Combine(outside, "secret.yaml"), "apiVersion: v1\nkind: Secret\nmetadata:\n  name: outside\n  namespace: default\nstringData:\n  token: outside-value\n");
            await File.WriteAllTextAsync(Path.Combine(dir, "real", "cm.txt"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: inside\n  namespace: default\n");
            File.CreateSymbolicLink(Path.Combine(dir, "leak.yaml"), Path.Combine(outside, "secret.yaml"));
            File.CreateSymbolicLink(Path.Combine(dir, "inside.yaml"), Path.Combine("real", "cm.txt"));
            var ks = Path.Combine(temp, "ks.yaml");
            await File.WriteAllTextAsync(ks, "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: app\n");

            var result = await FluxResult.RunAsync("build", "ks", "app", "--path", dir, "--kustomization-file", ks, "--dry-run", "--kubeconfig", NoCluster);
            Assert.True(result.ExitCode == 0, result.Stderr);
            Assert.Equal($"⚠️ skipped symlink {Path.Combine(dir, "leak.yaml")}: it points outside {dir}\n", result.Stderr);
            // The link inside the directory is followed (to the copy); the one outside never read.
            Assert.Contains("kind: ConfigMap\nmetadata:\n  labels:\n    kustomize.toolkit.fluxcd.io/name: app\n    kustomize.toolkit.fluxcd.io/namespace: flux-system\n  name: inside\n", result.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("outside", result.Stdout, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(dir, "kustomization.yaml")));

            // --path through a symlink into the git checkout: git's own place for it, so ../base still resolves.
            var overlay = Path.Combine(temp, "overlay");
            Directory.CreateSymbolicLink(overlay, Path.Combine(BuildSamples.Sample, "overlay"));
            var linked = await FluxResult.RunAsync("build", "ks", "app", "--path", overlay, "--kustomization-file", Path.Combine(BuildSamples.Sample, "app.yaml"), "--dry-run", "--kubeconfig", NoCluster);
            Assert.True(linked.ExitCode == 0, linked.Stderr);
            BuildSamples.AssertGolden("build-kustomization-dry-run.yaml", linked.Stdout);
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    [Fact]
    public async Task BadInputIsOneLineAndExitCode1()
    {
        var overlay = Path.Combine(BuildSamples.Sample, "overlay");
        var app = Path.Combine(BuildSamples.Sample, "app.yaml");
        var missing = Path.Combine(BuildSamples.Sample, "missing");
        await AssertFails($"✗ invalid resource path \"{missing}\"", "build", "ks", "app", "--path", missing, "--kustomization-file", app, "--dry-run");
        await AssertFails("✗ invalid resource path \"\"", "build", "ks", "app", "--kustomization-file", app, "--dry-run");
        await AssertFails("✗ dry-run mode requires a kustomization file", "build", "ks", "app", "--path", overlay, "--dry-run");
        await AssertFails("✗ invalid kustomization file \"/nonexistent/app.yaml\"", "build", "ks", "app", "--path", overlay, "--kustomization-file", "/nonexistent/app.yaml", "--dry-run");
        await AssertFails($"✗ failed find kustomization with name 'other' and namespace 'flux-system' in file '{app}'", "build", "ks", "other", "--path", overlay, "--kustomization-file", app, "--dry-run");

        // A manifest kustomize cannot read names the file.
        var dir = Path.Combine(Path.GetTempPath(), $"fluxsharp-bad-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "kustomization.yaml"), "resources:\n  - nothere.yaml\n");
            var ks = Path.Combine(dir, "ks.yaml");
            await File.WriteAllTextAsync(ks, "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: app\n");
            var result = await FluxResult.RunAsync("build", "ks", "app", "--path", dir, "--kustomization-file", ks, "--dry-run", "--kubeconfig", NoCluster);
            Assert.Equal(1, result.ExitCode);
            var error = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last();
            Assert.StartsWith("✗ kustomize build failed: ", error, StringComparison.Ordinal);
            Assert.Contains("nothere.yaml", error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        static async Task AssertFails(string expected, params string[] args)
        {
            var result = await FluxResult.RunAsync([.. args, "--kubeconfig", NoCluster]);
            Assert.Equal(1, result.ExitCode);
            Assert.Equal(string.Empty, result.Stdout);
            Assert.Equal(expected, result.Stderr.Trim());
        }
    }
}

/// <summary>`fluxsharp build|diff|tree kustomization` against a running `fluxsharp dev` applying examples/hello.</summary>
public sealed class KustomizationBuildDiffTreeTests(FluxDevFixture dev) : IClassFixture<FluxDevFixture>
{
    [Fact]
    public async Task BuildReadsTheKustomizationAndSubstituteFromConfigMapFromTheCluster()
    {
        // greeting is overridden by spec.postBuild.substitute; owner and region come from here.
        await BuildSamples.KubectlApplyAsync(dev.Kubeconfig, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"build-vars","namespace":"flux-system"},"data":{"owner":"team-a","region":"eu-west-1","greeting":"from-configmap"}}""");
        // app.yaml is suspended: the controller leaves it alone, the CLI reads its spec.
        await ManagerProcess.KubectlAsync(dev.Kubeconfig, "apply", "-f", Path.Combine(BuildSamples.Sample, "app.yaml"));
        try
        {
            var result = await dev.RunAsync("build", "kustomization", "app", "--path", Path.Combine(BuildSamples.Sample, "overlay"));
            Assert.True(result.ExitCode == 0, result.Stderr);
            Assert.Equal(string.Empty, result.Stderr);
            BuildSamples.AssertGolden("build-kustomization-cluster.yaml", result.Stdout);

            // The same with the spec from the file (and status from the cluster) reads the ConfigMap too.
            var withFile = await dev.RunAsync("build", "ks", "app", "--path", Path.Combine(BuildSamples.Sample, "overlay"), "--kustomization-file", Path.Combine(BuildSamples.Sample, "app.yaml"));
            Assert.Equal(result.Stdout, withFile.Stdout);
        }
        finally
        {
            await ManagerProcess.KubectlAsync(dev.Kubeconfig, "delete", "kustomization", "app", "-n", "flux-system", "--wait=false");
            await ManagerProcess.KubectlAsync(dev.Kubeconfig, "delete", "configmap", "build-vars", "-n", "flux-system");
        }
    }

    [Fact]
    public async Task DiffIsCleanOnTheAppliedExampleAndShowsDriftCreationAndPrune()
    {
        // Suspended, the controller does not put the drift back while we look at it.
        var suspend = await dev.RunAsync("suspend", "ks", "flux-system");
        Assert.True(suspend.ExitCode == 0, suspend.Stderr);
        var copy = Path.Combine(Path.GetTempPath(), $"fluxsharp-hello-{Guid.NewGuid():N}");
        try
        {
            var clean = await dev.RunAsync("diff", "kustomization", "flux-system", "--path", BuildSamples.Hello);
            Assert.True(clean.ExitCode == 0, clean.Stdout + clean.Stderr);
            Assert.Equal(string.Empty, clean.Stdout);
            Assert.Equal(string.Empty, clean.Stderr);

            await ManagerProcess.KubectlAsync(dev.Kubeconfig, "scale", "deployment", "hello", "-n", "hello", "--replicas=5");
            var drifted = await dev.RunAsync("diff", "ks", "flux-system", "--path", BuildSamples.Hello);
            Assert.Equal(1, drifted.ExitCode);
            Assert.Equal("► Deployment/hello/hello drifted\n\nspec.replicas\n  ± value change\n    - 5\n    + 2\n\n", drifted.Stdout);
            Assert.Equal("⚠️ identified at least one change, exiting with non-zero exit code\n", drifted.Stderr);

            // A local change: the Service is gone (pruned, spec.prune is true), a Secret is new (its value never printed).
            Directory.CreateDirectory(copy);
            foreach (var f in new[] { "namespace.yaml", "configmap.yaml", "deployment.yaml" })
            {
                File.Copy(Path.Combine(BuildSamples.Hello, f), Path.Combine(copy, f));
            }

            await File.WriteAllTextAsync(Path.Combine(copy, "secret.yaml"), "apiVersion: v1\nkind: Secret\nmetadata:\n  name: token\n  namespace: hello\nstringData:\n  token: do-not-print-me\n");
            var changed = await dev.RunAsync("diff", "ks", "flux-system", "--path", copy);
            Assert.Equal(1, changed.ExitCode);
            Assert.Equal("► Secret/hello/token created\n► Deployment/hello/hello drifted\n\nspec.replicas\n  ± value change\n    - 5\n    + 2\n\n► Service/hello/hello deleted\n", changed.Stdout);

            // The live Secret differs: its values show as masks only.
            await BuildSamples.KubectlApplyAsync(dev.Kubeconfig, """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"token","namespace":"hello"},"stringData":{"token":"the-live-value"}}""");
            var secret = await dev.RunAsync("diff", "ks", "flux-system", "--path", copy);
            Assert.Equal(1, secret.ExitCode);
            Assert.Contains("► Secret/hello/token drifted\n", secret.Stdout, StringComparison.Ordinal);
            Assert.Contains("\ndata.token\n  ± value change\n    - *** (before)\n    + *** (after)\n", secret.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("do-not-print-me", secret.Stdout + secret.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("the-live-value", secret.Stdout + secret.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("dGhlLWxpdmUtdmFsdWU", secret.Stdout + secret.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(copy))
            {
                Directory.Delete(copy, recursive: true);
            }

            await ManagerProcess.KubectlAsync(dev.Kubeconfig, "delete", "secret", "token", "-n", "hello", "--ignore-not-found");
            var resume = await dev.RunAsync("resume", "ks", "flux-system");
            Assert.True(resume.ExitCode == 0, resume.Stderr);
        }

        // Resumed, the controller put the replicas back: no drift again.
        var after = await dev.RunAsync("diff", "ks", "flux-system", "--path", BuildSamples.Hello);
        Assert.True(after.ExitCode == 0, after.Stdout + after.Stderr);
    }

    [Fact]
    public async Task TreeListsTheInventory()
    {
        var tree = await dev.RunAsync("tree", "kustomization", "flux-system");
        Assert.True(tree.ExitCode == 0, tree.Stderr);
        Assert.Equal(
            "Kustomization/flux-system/flux-system\n├── Namespace/hello\n├── ConfigMap/hello/hello\n├── Service/hello/hello\n└── Deployment/hello/hello\n\n",
            tree.Stdout);

        var compact = await dev.RunAsync("tree", "ks", "flux-system", "--compact");
        Assert.Equal("Kustomization/flux-system/flux-system\n\n", compact.Stdout);

        var json = await dev.RunAsync("tree", "ks", "flux-system", "-o", "json");
        Assert.Equal(0, json.ExitCode);
        var root = JsonNode.Parse(json.Stdout)!;
        Assert.Equal("Kustomization", (string?)root["resource"]?["GroupKind"]?["Kind"]);
        var resources = root["resources"]!.AsArray();
        Assert.Equal(["Namespace", "ConfigMap", "Service", "Deployment"], resources.Select(r => (string?)r?["resource"]?["GroupKind"]?["Kind"]));
        Assert.Equal("apps", (string?)resources[3]?["resource"]?["GroupKind"]?["Group"]);

        var yaml = await dev.RunAsync("tree", "ks", "flux-system", "-o", "yaml", "--compact");
        Assert.Equal("resource:\n  GroupKind:\n    Group: kustomize.toolkit.fluxcd.io\n    Kind: Kustomization\n  Name: flux-system\n  Namespace: flux-system\n\n", yaml.Stdout);
    }

    [Fact]
    public async Task TreeExpandsAKustomizationAppliedByAnother()
    {
        // tree-parent applies the Kustomization tree-child, which applies a ConfigMap (testdata/tree-nested, from the synced checkout).
        var create = await dev.RunAsync("create", "ks", "tree-parent", "--source", "GitRepository/flux-system", "--path", "./tests/FluxSharp.Cli.Tests/testdata/tree-nested/parent", "--prune", "--interval", "1h", "--timeout", "90s");
        Assert.True(create.ExitCode == 0, create.Stderr);
        try
        {
            var child = await dev.RunAsync("reconcile", "ks", "tree-child", "--timeout", "90s");
            Assert.True(child.ExitCode == 0, child.Stderr);

            var tree = await dev.RunAsync("tree", "ks", "tree-parent");
            Assert.True(tree.ExitCode == 0, tree.Stderr);
            Assert.Equal(
                "Kustomization/flux-system/tree-parent\n└── Kustomization/flux-system/tree-child\n    └── ConfigMap/flux-system/tree-child\n\n",
                tree.Stdout);

            var compact = await dev.RunAsync("tree", "ks", "tree-parent", "--compact");
            Assert.Equal("Kustomization/flux-system/tree-parent\n└── Kustomization/flux-system/tree-child\n\n", compact.Stdout);

            var json = await dev.RunAsync("tree", "ks", "tree-parent", "-o", "json");
            Assert.Equal(0, json.ExitCode);
            var nested = JsonNode.Parse(json.Stdout)!["resources"]![0]!;
            Assert.Equal("tree-child", (string?)nested["resource"]?["Name"]);
            Assert.Equal("ConfigMap", (string?)nested["resources"]?[0]?["resource"]?["GroupKind"]?["Kind"]);
        }
        finally
        {
            await ManagerProcess.KubectlAsync(dev.Kubeconfig, "delete", "kustomization", "tree-parent", "-n", "flux-system", "--wait=false");
        }
    }

    [Fact]
    public async Task AnUnknownKustomizationOrPathIsOneLine()
    {
        var diff = await dev.RunAsync("diff", "ks", "nope", "--path", BuildSamples.Hello);
        Assert.Equal(2, diff.ExitCode);
        Assert.Equal("✗ failed to get kustomization object: kustomizations.kustomize.toolkit.fluxcd.io \"nope\" not found in flux-system namespace; list them with `fluxsharp get kustomization -n flux-system`", diff.Stderr.Trim());

        var build = await dev.RunAsync("build", "ks", "nope", "--path", BuildSamples.Hello);
        Assert.Equal(1, build.ExitCode);
        Assert.Equal("✗ failed to get kustomization object: kustomizations.kustomize.toolkit.fluxcd.io \"nope\" not found in flux-system namespace; list them with `fluxsharp get kustomization -n flux-system`", build.Stderr.Trim());

        var tree = await dev.RunAsync("tree", "ks", "nope");
        Assert.Equal(1, tree.ExitCode);
        Assert.Equal("✗ kustomizations.kustomize.toolkit.fluxcd.io \"nope\" not found in flux-system namespace; list them with `fluxsharp get kustomization -n flux-system`", tree.Stderr.Trim());

        var path = await dev.RunAsync("diff", "ks", "flux-system", "--path", "/nonexistent/dir");
        Assert.Equal(2, path.ExitCode);
        Assert.Equal("✗ invalid resource path \"/nonexistent/dir\"", path.Stderr.Trim());
    }
}
