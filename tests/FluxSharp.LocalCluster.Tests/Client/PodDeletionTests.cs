using k8s;
using k8s.Models;

namespace FluxSharp.LocalCluster.Tests.Client;

/// <summary>
/// A delete answers with the deleted object for the kinds whose typed client expects it (Pods, as the real server's
/// ReturnDeletedObject); other kinds answer with a Status (see TypedResourceTests).
/// </summary>
public sealed class PodDeletionTests(ClientFixture fx) : IClassFixture<ClientFixture>
{
    [Fact]
    public async Task DeletingAPodAnswersWithThePodTheClientCanRead()
    {
        var ns = await fx.NewClientNamespaceAsync("poddel");
        var created = await fx.Client.CoreV1.CreateNamespacedPodAsync(
            new V1Pod { Metadata = new V1ObjectMeta { Name = "app" }, Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = "busybox" }] } },
            ns);

        var deleted = await fx.Client.CoreV1.DeleteNamespacedPodAsync("app", ns, gracePeriodSeconds: 0);
        Assert.Equal("Pod", deleted.Kind);
        Assert.Equal(created.Metadata.Uid, deleted.Metadata.Uid);
        await Eventually.GoneAsync(() => fx.Client.CoreV1.ReadNamespacedPodAsync("app", ns), "pod deleted");

        // A dry run answers the same way and keeps the Pod.
        await fx.Client.CoreV1.CreateNamespacedPodAsync(
            new V1Pod { Metadata = new V1ObjectMeta { Name = "kept" }, Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = "busybox" }] } },
            ns);
        var dry = await fx.Client.CoreV1.DeleteNamespacedPodAsync("kept", ns, dryRun: "All");
        Assert.Equal("kept", dry.Metadata.Name);
        Assert.Equal("kept", (await fx.Client.CoreV1.ReadNamespacedPodAsync("kept", ns)).Metadata.Name);
    }
}
