using FluxSharp.Testing;

namespace FluxSharp.Cli.Tests;

/// <summary>`fluxsharp install`, `uninstall` and `check` on a local control plane, with the real kubectl for the manifests.</summary>
public sealed class InstallCommandTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private Kubectl Kubectl => new(cluster.KubeconfigPath, Path.Combine(cluster.Directory, "kubectl-cache"));

    private Task<FluxResult> RunAsync(params string[] args) => FluxResult.RunAsync([.. args, "--kubeconfig", cluster.KubeconfigPath]);

    [Fact]
    public async Task ExportIsTheGoldenTextEveryTime()
    {
        var first = await Authoring.RunWithoutClusterAsync("install", "--export", "--version=v1.2.3");
        var second = await Authoring.RunWithoutClusterAsync("install", "--export", "--version=v1.2.3");
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Equal(first.Stdout, second.Stdout);
        AuthoringGolden.Matches("install-export.yaml", first.Stdout);
    }

    [Fact]
    public async Task ExportTakesRegistryVersionNamespaceAndComponents()
    {
        var result = await Authoring.RunWithoutClusterAsync("install", "--export", "--registry=registry.local:5000/team", "--version=v9.9.9", "--namespace=gitops", "--components=source-controller");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("image: registry.local:5000/team/fluxsharp:v9.9.9\n", result.Stdout);
        Assert.Contains("- --controllers=source\n", result.Stdout);
        Assert.Contains("  name: crd-controller-gitops\n", result.Stdout);
        // Only the kustomize (and helm) controller gets Flux's cluster-admin binding.
        Assert.DoesNotContain("cluster-reconciler", result.Stdout);
        Assert.DoesNotContain("namespace: flux-system", result.Stdout);
    }

    [Fact]
    public async Task ExportDefaultsToThisClientsVersion()
    {
        var version = await Authoring.RunWithoutClusterAsync("version", "--client");
        var export = await Authoring.RunWithoutClusterAsync("install", "--export");
        var tag = version.Stdout.Trim().Split(' ')[^1];
        Assert.Contains($"image: ghcr.io/fluxsharp/fluxsharp:{tag}\n", export.Stdout);
    }

    [Theory]
    [InlineData("✗ component 'image-reflector-controller' is not supported by FluxSharp, can be: source-controller, kustomize-controller, notification-controller", "--components-extra=image-reflector-controller")]
    [InlineData("✗ namespace 'Flux_System' is invalid, it should adhere to standard defined in RFC 1123", "--namespace=Flux_System")]
    [InlineData("✗ version 'v1 2' is not a valid image tag", "--version=v1 2")]
    public async Task BadFlagsFailBeforeAnythingIsGenerated(string message, string flag)
    {
        var result = await Authoring.RunWithoutClusterAsync("install", "--export", flag);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(message, result.Stderr.Trim());
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public async Task KubectlAppliesTheExportTwiceWithNothingChangedTheSecondTime()
    {
        var export = await Authoring.RunWithoutClusterAsync("install", "--export", "--namespace=kubectl-system");
        Assert.True(export.ExitCode == 0, export.Stderr);
        var file = Path.Combine(cluster.Directory, "gotk-components.yaml");
        await File.WriteAllTextAsync(file, export.Stdout);

        var first = await Kubectl.RunAsync("apply", "-f", file);
        first.EnsureSuccess();
        Assert.Contains("deployment.apps/fluxsharp created", first.Stdout);
        var second = (await Kubectl.RunAsync("apply", "-f", file)).EnsureSuccess();
        var lines = second.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.EndsWith(" unchanged", l));
        (await Kubectl.RunAsync("apply", "--dry-run=server", "-f", file)).EnsureSuccess();
    }

    [Fact]
    public async Task InstallWaitsForReadyThenCheckReportsEachComponentsVersion()
    {
        var install = await RunAsync("install", "--namespace=install-system", "--version=v1.2.3", "--timeout=60s");
        Assert.True(install.ExitCode == 0, install.Stderr);
        Assert.Contains("✔ Deployment/install-system/fluxsharp applied", install.Stderr);
        Assert.Contains("✔ gitrepositories.source.toolkit.fluxcd.io established", install.Stderr);
        Assert.Contains("✔ fluxsharp: deployment ready", install.Stderr);
        Assert.Contains("✔ install finished", install.Stderr);

        var again = await RunAsync("install", "--namespace=install-system", "--version=v1.2.3", "--timeout=60s");
        Assert.True(again.ExitCode == 0, again.Stderr);

        var check = await RunAsync("check", "--namespace=install-system", "--timeout=30s");
        Assert.True(check.ExitCode == 0, check.Stderr);
        Assert.Contains("► ghcr.io/fluxsharp/fluxsharp:v1.2.3", check.Stderr);
        Assert.Contains("✔ source-controller: v1.2.3", check.Stderr);
        Assert.Contains("✔ kustomize-controller: v1.2.3", check.Stderr);
        Assert.Contains("✔ all checks passed", check.Stderr);
    }

    [Fact]
    public async Task UninstallRemovesFluxSharpButLeavesTheUsersWorkloads()
    {
        var install = await RunAsync("install", "--namespace=gone-system", "--timeout=60s");
        Assert.True(install.ExitCode == 0, install.Stderr);
        var apps = await cluster.NewNamespaceAsync("apps");
        var user = $$"""
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: GitRepository
            metadata:
              name: podinfo
              namespace: {{apps}}
              finalizers: ["finalizers.fluxcd.io"]
            spec:
              url: https://example.com/podinfo
              interval: 1m
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: workload
              namespace: {{apps}}
              labels:
                kustomize.toolkit.fluxcd.io/name: apps
                kustomize.toolkit.fluxcd.io/namespace: {{apps}}
            data:
              a: b
            """;
        (await Kubectl.RunAsync(["apply", "-f", "-"], user)).EnsureSuccess();

        var dryRun = await RunAsync("uninstall", "--namespace=gone-system", "--dry-run");
        Assert.True(dryRun.ExitCode == 0, dryRun.Stderr);
        Assert.Contains("✔ Deployment/gone-system/fluxsharp would be deleted", dryRun.Stderr);
        Assert.Contains($"✔ GitRepository/{apps}/podinfo would be deleted", dryRun.Stderr);
        (await Kubectl.RunAsync("get", "deployment/fluxsharp", "-n", "gone-system")).EnsureSuccess();

        var uninstall = await RunAsync("uninstall", "--namespace=gone-system", "--silent");
        Assert.True(uninstall.ExitCode == 0, uninstall.Stderr);
        Assert.Contains($"✔ GitRepository/{apps}/podinfo finalizers deleted", uninstall.Stderr);
        Assert.Contains("✔ CustomResourceDefinition/gitrepositories.source.toolkit.fluxcd.io deleted", uninstall.Stderr);
        Assert.Contains("✔ uninstall finished", uninstall.Stderr);

        await Eventually.WaitAsync(() => Kubectl.RunAsync("get", "crd/gitrepositories.source.toolkit.fluxcd.io"), r => !r.Success, TimeSpan.FromSeconds(30), "the CRD to be gone");
        Assert.False((await Kubectl.RunAsync("get", "deployment/fluxsharp", "-n", "gone-system")).Success);
        (await Kubectl.RunAsync("get", "configmap/workload", "-n", apps)).EnsureSuccess();
    }
}
