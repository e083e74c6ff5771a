using System.Text.Json.Nodes;
using FluxSharp.Kubernetes.Apply;
using FluxSharp.Kubernetes.Client;

namespace FluxSharp.Kubernetes.Tests.Apply;

public sealed class InventoryTests
{
    [Theory]
    [InlineData("default_web_apps_Deployment", "apps", "Deployment", "default", "web")]
    [InlineData("_ns1__Namespace", "", "Namespace", "", "ns1")]
    [InlineData("default_cfg__ConfigMap", "", "ConfigMap", "default", "cfg")]
    [InlineData("_system__controller_rbac.authorization.k8s.io_ClusterRole", "rbac.authorization.k8s.io", "ClusterRole", "", "system:controller")]
    [InlineData("_widgets.example.fluxsharp.dev_apiextensions.k8s.io_CustomResourceDefinition", "apiextensions.k8s.io", "CustomResourceDefinition", "", "widgets.example.fluxsharp.dev")]
    public void IdsFollowFluxFormatBothWays(string id, string group, string kind, string ns, string name)
    {
        var r = ObjectRef.Parse(id);
        Assert.Equal(new ObjectRef(group, kind, ns, name), r);
        Assert.Equal(id, r.Id);
    }

    [Theory]
    [InlineData("")]
    [InlineData("nounderscore")]
    [InlineData("a_b")]
    [InlineData("ns_na_me_apps_Deployment")]
    public void BadIdsDoNotParse(string id)
    {
        Assert.False(ObjectRef.TryParse(id, out _));
        Assert.Throws<FormatException>(() => ObjectRef.Parse(id));
    }

    [Fact]
    public void ObjectsAreNamedAsFluxNamesThem()
    {
        Assert.Equal("Deployment/default/web", new ObjectRef("apps", "Deployment", "default", "web").ToString());
        Assert.Equal("Namespace/ns1", new ObjectRef("", "Namespace", "", "ns1").ToString());
    }

    [Fact]
    public void ManagedFieldsOfKubectlManagersAreMergedIntoOurApplyEntry()
    {
        var live = Obj("""
            {"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}","keep":"x"},"managedFields":[
              {"manager":"kustomize-controller","operation":"Apply","apiVersion":"v1","fieldsV1":{"f:data":{"f:a":{}}}},
              {"manager":"kubectl-edit","operation":"Update","apiVersion":"v1","fieldsV1":{"f:data":{"f:b":{}}}},
              {"manager":"kubectl","operation":"Update","apiVersion":"v1","subresource":"scale","fieldsV1":{"f:spec":{"f:replicas":{}}}},
              {"manager":"helm","operation":"Update","apiVersion":"v1","fieldsV1":{"f:data":{"f:c":{}}}}]}}
            """);
        var patch = ManagedFieldsCleanup.BuildPatch(live, "kustomize-controller", new ApplyOptions().CleanupFieldManagers, new ApplyOptions().CleanupAnnotations)!;
        Assert.Equal("remove", (string?)patch[0]!["op"]);
        Assert.Equal("/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration", (string?)patch[0]!["path"]);
        var managers = (JsonArray)patch[1]!["value"]!;
        Assert.Equal(["kubectl", "helm", "kustomize-controller"], managers.Select(m => (string?)m!["manager"]));
        Assert.Equal("""{"f:data":{"f:a":{},"f:b":{}}}""", managers[2]!["fieldsV1"]!.ToJsonString());
    }

    private static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();
}
