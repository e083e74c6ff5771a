using FluxSharp.Controllers.Tests.Infrastructure;
using k8s;
using k8s.Models;
using static FluxSharp.Controllers.Tests.Infrastructure.KustomizeControllerFixture;

namespace FluxSharp.Controllers.Tests;

/// <summary>Kustomization end to end with a tenant's service account, and a repository laid out like Flux's multi-cluster example.</summary>
public sealed class KustomizationTenancyTests : IClassFixture<KustomizeControllerFixture>
{
    private readonly KustomizeControllerFixture _f;

    public KustomizationTenancyTests(KustomizeControllerFixture f) => _f = f;

    [Fact]
    public async Task TenantServiceAccountIsConfinedByRbac()
    {
        var other = await _f.NewNamespaceAsync("other");
        var (tenant, _, sha) = await _f.SourceAsync(new Dictionary<string, string>
        {
            ["own/cm.yaml"] = ConfigMap("mine", "k: v"),
            ["foreign/cm.yaml"] = ConfigMap("theirs", "k: v", other),
        });
        await _f.Client.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "tenant" } }, tenant);
        await _f.Client.RbacAuthorizationV1.CreateNamespacedRoleAsync(
            new V1Role
            {
                Metadata = new V1ObjectMeta { Name = "tenant" },
                Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["configmaps"], Verbs = ["*"] }],
            },
            tenant);
        await _f.Client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(
            new V1RoleBinding
            {
                Metadata = new V1ObjectMeta { Name = "tenant" },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "tenant" },
                Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = "tenant", NamespaceProperty = tenant }],
            },
            tenant);

        var own = NewKustomization(tenant, "own", "./own");
        await _f.CreateAsync(own with { Spec = own.Spec with { ServiceAccountName = "tenant", TargetNamespace = tenant } });
        var foreign = NewKustomization(tenant, "foreign", "./foreign");
        await _f.CreateAsync(foreign with { Spec = foreign.Spec with { ServiceAccountName = "tenant" } });

        await _f.WaitReadyAsync(tenant, "own", $"main@sha1:{sha}");
        Assert.NotNull(await _f.ConfigMapAsync(tenant, "mine"));
        var denied = await _f.WaitAsync(tenant, "foreign", k => Ready(k)?.Status == "False" && k.Status?.LastAttemptedRevision == $"main@sha1:{sha}", "denied");
        Assert.Contains("forbidden", Ready(denied)!.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(other, Ready(denied)!.Message, StringComparison.Ordinal);
        Assert.Null(await _f.ConfigMapAsync(other, "theirs"));
        Assert.Null(denied.Status!.LastAppliedRevision);
    }

    [Fact]
    public async Task MultiClusterLayoutReconcilesNestedKustomizations()
    {
        var (src, git, _) = await _f.SourceAsync(new Dictionary<string, string>());
        var appsNs = src + "-apps";
        var ks = $$"""
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata:
              name: {0}
              namespace: {{src}}
            spec:
              interval: 1h
              retryInterval: 2s
              sourceRef:
                kind: GitRepository
                name: repo
              path: {1}
              prune: true
              wait: true
              timeout: 20s

            """;
        var files = new Dictionary<string, string>
        {
            ["clusters/production/infrastructure.yaml"] = string.Format(System.Globalization.CultureInfo.InvariantCulture, ks, "infrastructure", "./infrastructure"),
            ["clusters/production/apps.yaml"] = string.Format(System.Globalization.CultureInfo.InvariantCulture, ks, "apps", "./apps/production")
                + "  dependsOn:\n  - name: infrastructure\n",
            ["infrastructure/kustomization.yaml"] = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- namespace.yaml\n- settings.yaml\n",
            ["infrastructure/namespace.yaml"] = $"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {appsNs}\n",
            ["infrastructure/settings.yaml"] = ConfigMap("cluster-settings", "env: production", appsNs),
            ["apps/base/kustomization.yaml"] = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- deployment.yaml\n- config.yaml\n",
            ["apps/base/deployment.yaml"] = Deployment("podinfo", "default"),
            ["apps/base/config.yaml"] = ConfigMap("podinfo-config", "level: debug"),
            ["apps/production/kustomization.yaml"] = $$"""
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                namespace: {{appsNs}}
                resources:
                - ../base
                patches:
                - target:
                    kind: Deployment
                    name: podinfo
                  patch: |
                    - op: replace
                      path: /spec/replicas
                      value: 2
                - patch: |
                    apiVersion: v1
                    kind: ConfigMap
                    metadata:
                      name: podinfo-config
                    data:
                      level: info

                """,
        };
        var sha = await _f.PushAsync(src, git, files);
        await _f.CreateAsync(NewKustomization(src, "flux-system", "./clusters/production"));

        var top = await _f.WaitReadyAsync(src, "flux-system", $"main@sha1:{sha}");
        Assert.Contains(top.Status!.Inventory!.Entries, e => e.Id == $"{src}_apps_kustomize.toolkit.fluxcd.io_Kustomization");
        await _f.WaitReadyAsync(src, "infrastructure");
        var apps = await _f.WaitReadyAsync(src, "apps");
        Assert.Equal(top.Status.LastAppliedRevision, apps.Status!.LastAppliedRevision);

        Assert.Equal("production", (await _f.ConfigMapAsync(appsNs, "cluster-settings"))!.Data["env"]);
        Assert.Equal("info", (await _f.ConfigMapAsync(appsNs, "podinfo-config"))!.Data["level"]);
        var deploy = await _f.Client.AppsV1.ReadNamespacedDeploymentAsync("podinfo", appsNs);
        Assert.Equal(2, deploy.Spec.Replicas);
        Assert.Equal("apps", deploy.Metadata.Labels["kustomize.toolkit.fluxcd.io/name"]);

        // Dropping apps.yaml from the cluster directory prunes the nested Kustomization, which prunes its own objects.
        var sha2 = await _f.PushAsync(src, git, null, "clusters/production/apps.yaml");
        await _f.WaitReadyAsync(src, "flux-system", $"main@sha1:{sha2}");
        await FluxSharp.Testing.Eventually.WaitAsync(() => _f.GetAsync(src, "apps"), k => k is null, DefaultTimeout, "the apps Kustomization to be pruned");
        await _f.WaitConfigMapAsync(appsNs, "podinfo-config", c => c is null, "pruned with apps");
        Assert.NotNull(await _f.ConfigMapAsync(appsNs, "cluster-settings"));
        Assert.NotNull(await _f.GetAsync(src, "infrastructure"));
    }
}
