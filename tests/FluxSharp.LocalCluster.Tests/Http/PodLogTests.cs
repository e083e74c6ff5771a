using System.Net;
using System.Text.Json.Nodes;
using FluxSharp.Testing;
using k8s;
using k8s.Models;

namespace FluxSharp.LocalCluster.Tests.Http;

/// <summary>A control plane whose options (and so its pod log sources) the tests can reach.</summary>
public sealed class PodLogFixture : ClusterFixture
{
    private readonly LocalControlPlaneOptions _options = new() { SimulateWorkloads = false };

    public PodLogSources PodLogs => _options.PodLogs;

    protected override LocalControlPlaneOptions Options => _options;
}

/// <summary>`pods/{name}/log` served from a registered <see cref="PodLogSource"/>: plain HTTP, kubectl logs, follow.</summary>
public sealed class PodLogTests(PodLogFixture fixture) : IClassFixture<PodLogFixture>
{
    [Fact]
    public async Task APodsLogIsItsSourcesLinesWithTailSinceAndTimestamps()
    {
        var ns = await fixture.NewNamespaceAsync("logs");
        await CreatePodAsync(ns, "app", "main");
        var log = new PodLogBuffer(capacity: 3);
        fixture.PodLogs.Register(ns, "app", log.ReadAsync);
        foreach (var line in new[] { "one", "two", "three", "four" })
        {
            log.Write(line);
        }

        using var http = fixture.NewHttpClient();
        // The ring buffer keeps the last 3 lines.
        using var all = await http.GetAsync($"/api/v1/namespaces/{ns}/pods/app/log");
        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        Assert.StartsWith("text/plain", all.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.Equal("two\nthree\nfour\n", await all.Content.ReadAsStringAsync());
        Assert.Equal("four\n", await http.GetStringAsync($"/api/v1/namespaces/{ns}/pods/app/log?tailLines=1"));
        Assert.Matches("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+Z four\n$", await http.GetStringAsync($"/api/v1/namespaces/{ns}/pods/app/log?tailLines=1&timestamps=true"));
        Assert.Equal("two\nthree\nfour\n", await http.GetStringAsync($"/api/v1/namespaces/{ns}/pods/app/log?sinceSeconds=60"));

        // kubectl logs reads the same.
        var kubectl = new Kubectl(fixture.KubeconfigPath, Path.Combine(fixture.Directory, "kube-cache"));
        var result = (await kubectl.RunAsync("logs", "-n", ns, "app", "--tail=2")).EnsureSuccess();
        Assert.Equal("three\nfour\n", result.Stdout);
    }

    [Fact]
    public async Task FollowingStreamsNewLinesUntilTheClientLeaves()
    {
        var ns = await fixture.NewNamespaceAsync("follow");
        await CreatePodAsync(ns, "app", "main");
        var log = new PodLogBuffer();
        fixture.PodLogs.Register(ns, "app", log.ReadAsync);
        log.Write("before");

        using (var http = fixture.NewHttpClient())
        {
            using var response = await http.GetAsync($"/api/v1/namespaces/{ns}/pods/app/log?follow=true", HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            Assert.Equal("before", await reader.ReadLineAsync(timeout.Token));
            log.Write("after");
            Assert.Equal("after", await reader.ReadLineAsync(timeout.Token));
            Assert.Equal(1, log.FollowerCount);
        }

        // The client closed the connection: the server stops following and the buffer forgets the reader.
        await Eventually.WaitAsync(() => log.FollowerCount == 0, what: "the follower is gone");
    }

    [Fact]
    public async Task AFollowerThatFallsBehindKeepsOnlyTheNewestBufferOfLines()
    {
        var log = new PodLogBuffer(capacity: 3);
        log.Write("first");
        await using var follower = log.ReadAsync(new PodLogQuery(Follow: true, TailLines: null, Since: null)).GetAsyncEnumerator();
        Assert.True(await follower.MoveNextAsync());
        Assert.Equal("first", follower.Current.Text);

        // Ten lines while the reader reads none: it is sent at most a buffer's worth, the newest.
        for (var i = 1; i <= 10; i++)
        {
            log.Write($"line {i}");
        }

        var read = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await follower.MoveNextAsync());
            read.Add(follower.Current.Text);
        }

        Assert.Equal(["line 8", "line 9", "line 10"], read);
    }

    [Fact]
    public async Task MissingPodsContainersAndSourcesAnswerAsTheRealServer()
    {
        var ns = await fixture.NewNamespaceAsync("bad");
        using var http = fixture.NewHttpClient();
        using var missing = await http.GetAsync($"/api/v1/namespaces/{ns}/pods/nope/log");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("pods \"nope\" not found", (string?)JsonNode.Parse(await missing.Content.ReadAsStringAsync())!["message"]);

        // No source registered: an empty log.
        await CreatePodAsync(ns, "quiet", "main");
        Assert.Equal(string.Empty, await http.GetStringAsync($"/api/v1/namespaces/{ns}/pods/quiet/log"));

        await CreatePodAsync(ns, "two", "a", "b");
        using var which = await http.GetAsync($"/api/v1/namespaces/{ns}/pods/two/log");
        Assert.Equal(HttpStatusCode.BadRequest, which.StatusCode);
        Assert.Equal("a container name must be specified for pod two, choose one of: [a b]", (string?)JsonNode.Parse(await which.Content.ReadAsStringAsync())!["message"]);
        using var wrong = await http.GetAsync($"/api/v1/namespaces/{ns}/pods/two/log?container=c");
        Assert.Equal("container c is not valid for pod two", (string?)JsonNode.Parse(await wrong.Content.ReadAsStringAsync())!["message"]);
        using var negative = await http.GetAsync($"/api/v1/namespaces/{ns}/pods/quiet/log?tailLines=-1");
        Assert.Equal(HttpStatusCode.BadRequest, negative.StatusCode);
    }

    private Task<V1Pod> CreatePodAsync(string ns, string name, params string[] containers) =>
        fixture.Client.CoreV1.CreateNamespacedPodAsync(
            new V1Pod
            {
                Metadata = new V1ObjectMeta { Name = name },
                Spec = new V1PodSpec { Containers = [.. containers.Select(c => new V1Container { Name = c, Image = "busybox" })] },
            },
            ns);
}
