using System.Diagnostics;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Tests.Infrastructure;
using FluxSharp.Testing;

namespace FluxSharp.LocalCluster.Tests.Conformance;

/// <summary>kubectl get: output formats, tables, selectors, all namespaces and watch.</summary>
public sealed class GetConformanceTests(LocalControlPlaneFixture fixture) : IClassFixture<LocalControlPlaneFixture>
{
    private Kubectl Kubectl => fixture.Kubectl;

    private async Task<string> SeedAsync()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Kubectl.OkWithInputAsync(
            $$"""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: alpha, namespace: {{ns}}, labels: {tier: web, env: prod} }
            data: {a: "1", b: "2"}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: beta, namespace: {{ns}}, labels: {tier: db, env: prod} }
            data: {a: "1"}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: gamma, namespace: {{ns}}, labels: {tier: cache} }
            """,
            "apply", "-f", "-");
        return ns;
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string[] Cells(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task GetJsonAndYamlShowTheStoredObject()
    {
        var ns = await SeedAsync();

        var json = await Kubectl.GetJsonAsync("get", "configmap", "alpha", "-n", ns);
        Assert.Equal("ConfigMap", json.Str("kind"));
        Assert.Equal("v1", json.Str("apiVersion"));
        Assert.Equal("2", json.Str("data", "b"));
        Assert.True(Guid.TryParse(json.Str("metadata", "uid"), out _));
        Assert.Null(json["metadata"]!["managedFields"]);

        var yaml = await Kubectl.OkAsync("get", "configmap", "alpha", "-n", ns, "-o", "yaml");
        Assert.Contains("kind: ConfigMap", yaml, StringComparison.Ordinal);
        Assert.Contains($"  namespace: {ns}", yaml, StringComparison.Ordinal);
        Assert.Contains("  b: \"2\"", yaml, StringComparison.Ordinal);

        var list = await Kubectl.GetJsonAsync("get", "configmaps", "-n", ns);
        Assert.Equal("List", list.Str("kind"));
        Assert.Equal(["alpha", "beta", "gamma"], list["items"]!.AsArray().Select(i => i.Str("metadata", "name")).Where(n => n != "kube-root-ca.crt"));
    }

    [Fact]
    public async Task GetJsonPathAndNameOutput()
    {
        var ns = await SeedAsync();

        Assert.Equal("2", await Kubectl.OkAsync("get", "configmap", "alpha", "-n", ns, "-o", "jsonpath={.data.b}"));
        var names = await Kubectl.OkAsync("get", "configmaps", "-n", ns, "-l", "env=prod", "-o", "jsonpath={range .items[*]}{.metadata.name},{end}");
        Assert.Equal("alpha,beta,", names);
        Assert.Equal(["configmap/alpha", "configmap/beta", "configmap/gamma"], Lines(await Kubectl.OkAsync("get", "configmaps", "-n", ns, "-o", "name", "-l", "tier")));
        Assert.Equal(
            ["NAME TIER", "alpha web", "beta db"],
            Lines(await Kubectl.OkAsync("get", "configmaps", "-n", ns, "-l", "env", "-o", "custom-columns=NAME:.metadata.name,TIER:.metadata.labels.tier")).Select(l => string.Join(' ', Cells(l))));
    }

    [Fact]
    public async Task GetTableShowsServerColumnsForConfigMaps()
    {
        var ns = await SeedAsync();

        var lines = Lines(await Kubectl.OkAsync("get", "configmaps", "-n", ns, "-l", "tier"));

        Assert.Equal(["NAME", "DATA", "AGE"], Cells(lines[0]));
        Assert.Equal(["alpha", "2"], Cells(lines[1])[..2]);
        Assert.Equal(["beta", "1"], Cells(lines[2])[..2]);
        Assert.Equal(["gamma", "0"], Cells(lines[3])[..2]);

        var labelled = Lines(await Kubectl.OkAsync("get", "configmaps", "-n", ns, "-l", "tier", "--show-labels"));
        Assert.Equal("LABELS", Cells(labelled[0])[^1]);
        Assert.Equal("env=prod,tier=web", Cells(labelled[1])[^1]);
    }

    [Fact]
    public async Task GetTableShowsReadinessColumnsForDeployments()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Kubectl.OkWithInputAsync(
            $$"""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: {{ns}} }
            spec:
              replicas: 2
              selector: {matchLabels: {app: web} }
              template:
                metadata: {labels: {app: web} }
                spec:
                  containers: [{name: nginx, image: "nginx:1.25"}]
            """,
            "apply", "-f", "-");
        await Kubectl.OkAsync("wait", "--for=condition=Available", "deployment/web", "-n", ns, "--timeout=15s");

        var lines = Lines(await Kubectl.OkAsync("get", "deployments", "-n", ns));
        Assert.Equal(["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], Cells(lines[0]));
        Assert.Equal(["web", "2/2", "2", "2"], Cells(lines[1])[..4]);

        var wide = Lines(await Kubectl.OkAsync("get", "deployment", "web", "-n", ns, "-o", "wide"));
        Assert.Equal(["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"], Cells(wide[0]));
        Assert.Equal(["nginx", "nginx:1.25", "app=web"], Cells(wide[1])[^3..]);
    }

    [Fact]
    public async Task GetAllNamespacesAddsNamespaceColumnAndListsEveryNamespace()
    {
        var ns1 = await SeedAsync();
        var ns2 = await SeedAsync();

        var lines = Lines(await Kubectl.OkAsync("get", "configmaps", "-A", "-l", "tier=web"));

        Assert.Equal(["NAMESPACE", "NAME", "DATA", "AGE"], Cells(lines[0]));
        var rows = lines[1..].Select(l => Cells(l)[0] + "/" + Cells(l)[1]).ToList();
        Assert.Contains($"{ns1}/alpha", rows);
        Assert.Contains($"{ns2}/alpha", rows);
        Assert.DoesNotContain(rows, r => r.EndsWith("/beta", StringComparison.Ordinal));

        var namespaces = await Kubectl.GetJsonAsync("get", "namespaces");
        var names = namespaces["items"]!.AsArray().Select(i => i.Str("metadata", "name")).ToList();
        Assert.Contains("default", names);
        Assert.Contains("kube-system", names);
        Assert.Contains(ns1, names);
    }

    [Fact]
    public async Task GetWithSetBasedLabelSelector()
    {
        var ns = await SeedAsync();

        async Task<string[]> Select(string selector) =>
            Lines(await Kubectl.OkAsync("get", "configmaps", "-n", ns, "-l", selector, "-o", "name"));

        Assert.Equal(["configmap/alpha", "configmap/gamma"], await Select("tier in (web,cache)"));
        Assert.Equal(["configmap/beta"], await Select("tier notin (web,cache),env"));
        Assert.Equal(["configmap/gamma"], await Select("tier,!env"));
        Assert.Equal(["configmap/alpha"], await Select("env=prod,tier!=db"));
        Assert.Empty(await Select("tier in (nothing)"));
    }

    [Fact]
    public async Task GetWithFieldSelectorOnName()
    {
        var ns = await SeedAsync();

        Assert.Equal(["configmap/beta"], Lines(await Kubectl.OkAsync("get", "configmaps", "-n", ns, "--field-selector", "metadata.name=beta", "-o", "name")));
        Assert.Equal(
            ["configmap/alpha", "configmap/gamma"],
            Lines(await Kubectl.OkAsync("get", "configmaps", "-n", ns, "-l", "tier", "--field-selector", "metadata.name!=beta", "-o", "name")));
        var all = Lines(await Kubectl.OkAsync("get", "configmaps", "-A", "--field-selector", $"metadata.namespace={ns},metadata.name=gamma", "-o", "name"));
        Assert.Equal(["configmap/gamma"], all);
    }

    [Fact]
    public async Task GetNotFoundReportsTheRealMessage()
    {
        var ns = await fixture.NewNamespaceAsync();

        var result = await Kubectl.FailsAsync(null, "get", "configmap", "missing", "-n", ns);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Error from server (NotFound): configmaps \"missing\" not found", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WatchWithNameOutputStreamsChanges()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Kubectl.OkWithInputAsync($"{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"first\",\"namespace\":\"{ns}\"}}}}", "apply", "-f", "-");
        using var watch = Kubectl.Start("get", "configmaps", "-n", ns, "-w", "-o", "name");
        try
        {
            var lines = new List<string>();
            await ReadUntilAsync(watch, lines, l => l == "configmap/first");

            await Kubectl.OkWithInputAsync($"{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"second\",\"namespace\":\"{ns}\"}}}}", "apply", "-f", "-");
            await ReadUntilAsync(watch, lines, l => l == "configmap/second");
        }
        finally
        {
            watch.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task WatchWithJsonOutputReportsAddedModifiedAndDeletedEvents()
    {
        var ns = await fixture.NewNamespaceAsync();
        using var watch = Kubectl.Start("get", "configmaps", "-n", ns, "-w", "--output-watch-events", "-o", "json");
        try
        {
            // kubectl prints each watch event as one line of JSON.
            var events = new List<JsonObject>();
            var reader = new JsonEventReader(watch);

            // The watch starts with an empty namespace; give it something to report, then change and delete it.
            await Kubectl.OkWithInputAsync($"{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"watched\",\"namespace\":\"{ns}\"}},\"data\":{{\"v\":\"1\"}}}}", "apply", "-f", "-");
            await reader.ReadUntilAsync(events, e => e.Str("type") == "ADDED" && e.Str("object", "metadata", "name") == "watched");

            await Kubectl.OkAsync("patch", "configmap", "watched", "-n", ns, "--type=merge", "-p", "{\"data\":{\"v\":\"2\"}}");
            await reader.ReadUntilAsync(events, e => e.Str("type") == "MODIFIED" && e.Str("object", "data", "v") == "2");

            await Kubectl.OkAsync("delete", "configmap", "watched", "-n", ns);
            await reader.ReadUntilAsync(events, e => e.Str("type") == "DELETED" && e.Str("object", "metadata", "name") == "watched");

            var rvs = events.Select(e => long.Parse(e.Str("object", "metadata", "resourceVersion")!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(rvs.Order(), rvs);
        }
        finally
        {
            watch.Kill(entireProcessTree: true);
        }
    }

    private static async Task ReadUntilAsync(Process process, List<string> seen, Func<string, bool> match)
    {
        using var cts = new CancellationTokenSource(KubectlAssert.Deadline);
        while (true)
        {
            string? line;
            try
            {
                line = await process.StandardOutput.ReadLineAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"watch did not print the expected line in time; saw: {string.Join(" | ", seen)}; stderr: {await ReadStderrAsync(process)}");
                return;
            }

            if (line is null)
            {
                Assert.Fail($"watch ended early; saw: {string.Join(" | ", seen)}; stderr: {await ReadStderrAsync(process)}");
            }

            seen.Add(line);
            if (match(line.Trim()))
            {
                return;
            }
        }
    }

    private static async Task<string> ReadStderrAsync(Process process)
    {
        process.Kill(entireProcessTree: true);
        return await process.StandardError.ReadToEndAsync();
    }

    /// <summary>Reads kubectl's watch events (one JSON document per line).</summary>
    private sealed class JsonEventReader(Process process)
    {
        public async Task ReadUntilAsync(List<JsonObject> events, Func<JsonObject, bool> match)
        {
            using var cts = new CancellationTokenSource(KubectlAssert.Deadline);
            while (true)
            {
                string? line;
                try
                {
                    line = await process.StandardOutput.ReadLineAsync(cts.Token);
                }
                catch (OperationCanceledException)
                {
                    Assert.Fail($"watch did not report the expected event in time; saw {events.Count} events; stderr: {await ReadStderrAsync(process)}");
                    return;
                }

                if (line is null)
                {
                    Assert.Fail($"watch ended early; stderr: {await ReadStderrAsync(process)}");
                }

                if (line.Trim().Length == 0)
                {
                    continue;
                }

                var doc = JsonNode.Parse(line)!.AsObject();
                events.Add(doc);
                if (match(doc))
                {
                    return;
                }
            }
        }
    }
}
