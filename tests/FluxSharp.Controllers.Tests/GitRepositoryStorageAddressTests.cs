using System.Net;
using System.Net.Sockets;
using FluxSharp.Controllers.Tests.Infrastructure;
using FluxSharp.Manager;

namespace FluxSharp.Controllers.Tests;

/// <summary>
/// The artifact URL in status follows the manager's advertised storage address across restarts (Flux's
/// reconcileStorage), for an unchanged revision too: no new clone, no new artifact, no NewArtifact event.
/// </summary>
public sealed class GitRepositoryStorageAddressTests : IClassFixture<SourceControllerFixture>
{
    private readonly SourceControllerFixture _f;

    public GitRepositoryStorageAddressTests(SourceControllerFixture f) => _f = f;

    [Fact]
    public async Task ArtifactUrlFollowsTheStorageAddressAcrossRestartsWithoutANewArtifact()
    {
        var ns = await _f.NewNamespaceAsync();
        var git = await _f.NewGitAsync();
        var c1 = await git.CommitAndPushAsync("one", new Dictionary<string, string> { ["a.txt"] = "1" });
        await _f.CreateAsync(SourceControllerFixture.NewRepository(ns, "moved", git.FileUrl));
        var before = (await _f.WaitReadyAsync(ns, "moved", $"main@sha1:{c1}")).Status!.Artifact!;
        var file = Path.Combine(_f.StoragePath, before.Path);
        var written = File.GetLastWriteTimeUtc(file);
        await _f.WaitEventAsync(ns, "moved", "Normal", "NewArtifact");

        // The manager comes back on another port, as `fluxsharp dev` did on every start: same storage, same revision.
        var port = FreePort();
        await _f.RestartManagerAsync($"127.0.0.1:{port}");
        var atNewPort = $"http://127.0.0.1:{port}/{before.Path}";
        var moved = (await _f.WaitAsync(ns, "moved", r => r.Status?.Artifact?.Url == atNewPort, "artifact URL at the new port")).Status!.Artifact!;
        AssertSameArtifact(before, moved);
        var (_, digest, _) = await _f.DownloadAsync(moved.Url);
        Assert.Equal(before.Digest, digest);

        // A new --storage-adv-addr is picked up as well, here on a requested reconcile of the unchanged revision.
        await _f.RestartManagerAsync("127.0.0.1:0", "source-controller.flux-system.svc.cluster.local.:8080");
        var at = await _f.RequestReconcileAsync(ns, "moved");
        var advertised = await _f.WaitAsync(ns, "moved", r => r.Status?.LastHandledReconcileAt == at, "lastHandledReconcileAt");
        Assert.Equal($"http://source-controller.flux-system.svc.cluster.local.:8080/{before.Path}", advertised.Status!.Artifact!.Url);
        AssertSameArtifact(before, advertised.Status.Artifact);
        Assert.Equal("True", SourceControllerFixture.Ready(advertised)!.Status);

        // Nothing was cloned or archived again: the file is the one first written, and one artifact was announced.
        Assert.Equal(written, File.GetLastWriteTimeUtc(file));
        var announced = (await _f.EventsAsync(ns, "moved")).Where(e => e.Reason == "NewArtifact").Sum(e => e.Count ?? 1);
        Assert.Equal(1, announced);
    }

    [Theory]
    [InlineData("")]
    [InlineData("host:80/path")]
    [InlineData("user@host:80")]
    [InlineData("not a host")]
    public void AnAdvertisedAddressThatIsNotHostAndPortIsRefusedNamingTheFlag(string address)
    {
        var e = Assert.Throws<ArgumentException>(() => FluxManager.AdvertisedUrl(address));
        Assert.Contains("--storage-adv-addr", e.Message, StringComparison.Ordinal);
    }

    private static void AssertSameArtifact(FluxSharp.Api.Artifact expected, FluxSharp.Api.Artifact actual)
    {
        Assert.Equal(expected.Path, actual.Path);
        Assert.Equal(expected.Revision, actual.Revision);
        Assert.Equal(expected.Digest, actual.Digest);
        Assert.Equal(expected.Size, actual.Size);
        Assert.Equal(expected.LastUpdateTime, actual.LastUpdateTime);
    }

    /// <summary>A port free right now on 127.0.0.1 (taken while the manager still runs, so not its current one).</summary>
    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
