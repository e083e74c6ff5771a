using System.Net;
using k8s;
using k8s.Models;

namespace FluxSharp.LocalCluster.Tests.Client;

public sealed class ErrorTests(ClientFixture fx) : IClassFixture<ClientFixture>
{
    private Kubernetes Client => fx.Client;

    [Fact]
    public async Task Get_of_a_missing_object_is_NotFound_status()
    {
        var ns = await fx.NewClientNamespaceAsync();
        var (code, status) = await ApiError.CatchAsync(() => Client.CoreV1.ReadNamespacedConfigMapAsync("missing", ns));
        Assert.Equal(HttpStatusCode.NotFound, code);
        Assert.Equal("NotFound", status.Reason);
        Assert.Equal("configmaps \"missing\" not found", status.Message);
        Assert.Equal("missing", status.Details?.Name);
        Assert.Equal("configmaps", status.Details?.Kind);

        var (dcode, dstatus) = await ApiError.CatchAsync(() => Client.AppsV1.DeleteNamespacedDeploymentAsync("missing", ns));
        Assert.Equal(HttpStatusCode.NotFound, dcode);
        Assert.Equal("apps", dstatus.Details?.Group);
    }

    [Fact]
    public async Task Creating_an_existing_name_is_AlreadyExists()
    {
        var ns = await fx.NewClientNamespaceAsync();
        var cm = new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "dup" } };
        await Client.CoreV1.CreateNamespacedConfigMapAsync(cm, ns);
        var (code, status) = await ApiError.CatchAsync(() => Client.CoreV1.CreateNamespacedConfigMapAsync(cm, ns));
        Assert.Equal(HttpStatusCode.Conflict, code);
        Assert.Equal("AlreadyExists", status.Reason);
        Assert.Equal("configmaps \"dup\" already exists", status.Message);
    }

    [Fact]
    public async Task Invalid_objects_are_422_with_field_causes()
    {
        var ns = await fx.NewClientNamespaceAsync();
        var bad = new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "Not_Valid", Labels = new Dictionary<string, string> { ["bad key!"] = "v" } } };
        var (code, status) = await ApiError.CatchAsync(() => Client.CoreV1.CreateNamespacedConfigMapAsync(bad, ns));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Equal("Invalid", status.Reason);
        Assert.Equal("ConfigMap", status.Details?.Kind);
        var fields = status.Details!.Causes.Select(c => c.Field).ToList();
        Assert.Contains("metadata.name", fields);
        Assert.Contains("metadata.labels", fields);
    }

    [Fact]
    public async Task Bad_continue_token_and_apply_without_field_manager_are_BadRequest()
    {
        var ns = await fx.NewClientNamespaceAsync();
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "p" } }, ns);
        var (code, status) = await ApiError.CatchAsync(() => Client.CoreV1.ListNamespacedConfigMapAsync(ns, limit: 1, continueParameter: "%%%not-a-token"));
        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Equal("BadRequest", status.Reason);

        var (acode, astatus) = await ApiError.CatchAsync(() => Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"p\"}}", V1Patch.PatchType.ApplyPatch), "p", ns));
        Assert.Equal(HttpStatusCode.BadRequest, acode);
        Assert.Contains("fieldManager", astatus.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Name_mismatch_between_body_and_url_is_BadRequest()
    {
        var ns = await fx.NewClientNamespaceAsync();
        var cm = await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "a" } }, ns);
        var (code, status) = await ApiError.CatchAsync(() => Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "b", ns));
        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Equal("BadRequest", status.Reason);
    }
}
