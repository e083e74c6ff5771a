using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace FluxSharp.LocalCluster.Tests.Storage;

/// <summary>
/// The control plane as a process of its own (tests/FluxSharp.LocalCluster.TestHost), killed with SIGKILL while
/// writers create ConfigMaps over HTTP, then started again on the same state dir: every write answered 201 must be
/// there with its resourceVersion, and resourceVersions only grow.
/// </summary>
public sealed class CrashTests : IDisposable
{
    private const int Cycles = 5;
    private const int Writers = 4;
    private readonly TempStateDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Every_acknowledged_write_survives_kill_9_and_resource_versions_only_grow()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var acknowledged = new ConcurrentDictionary<string, long>();
        var clock = Stopwatch.StartNew();
        long before = 0;
        for (var cycle = 0; cycle <= Cycles; cycle++)
        {
            await using var host = await HostProcess.StartAsync(_dir.Path);
            using var http = new HttpClient { BaseAddress = host.Url, Timeout = TimeSpan.FromSeconds(10) };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", (await File.ReadAllTextAsync(_dir.File("token"))).Trim());

            var (stored, listRv) = await ListAsync(http);
            foreach (var (name, rv) in acknowledged)
            {
                Assert.True(stored.TryGetValue(name, out var found), $"acknowledged {name} (resourceVersion {rv}) was lost (seed {seed}, cycle {cycle})");
                Assert.Equal(rv, found);
            }

            Assert.True(listRv >= before, $"resourceVersion went back from {before} to {listRv} after a restart (seed {seed})");
            if (cycle == Cycles)
            {
                break;
            }

            // Kill once a random number of writes has been acknowledged: at a random point of the writers' requests.
            var killAfter = random.Next(20, 150);
            var acks = 0;
            var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var floor = before;
            var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                for (var i = 0; ; i++)
                {
                    var name = $"c{cycle}-w{w}-{i}";
                    long rv;
                    try
                    {
                        rv = await CreateAsync(http, name);
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                    {
                        return; // Killed.
                    }

                    Assert.True(rv > floor, $"{name} got resourceVersion {rv}, not after {floor} from before the restart (seed {seed})");
                    acknowledged[name] = rv;
                    if (Interlocked.Increment(ref acks) == killAfter)
                    {
                        enough.TrySetResult();
                    }
                }
            })).ToList();

            await enough.Task.WaitAsync(TimeSpan.FromSeconds(30));
            host.Kill();
            await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(30));
            before = acknowledged.Values.Max();
        }

        Assert.True(acknowledged.Count >= Cycles * 20);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"{Cycles} crash cycles took {clock.Elapsed}");
    }

    private static async Task<long> CreateAsync(HttpClient http, string name)
    {
        var body = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["data"] = new JsonObject { ["k"] = name },
        }.ToJsonString();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri("api/v1/namespaces/default/configmaps", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return long.Parse(created["metadata"]!["resourceVersion"]!.GetValue<string>(), CultureInfo.InvariantCulture);
    }

    private static async Task<(Dictionary<string, long> Objects, long ResourceVersion)> ListAsync(HttpClient http)
    {
        var list = JsonNode.Parse(await http.GetStringAsync(new Uri("api/v1/namespaces/default/configmaps", UriKind.Relative)))!;
        var objects = list["items"]!.AsArray().ToDictionary(
            i => i!["metadata"]!["name"]!.GetValue<string>(),
            i => long.Parse(i!["metadata"]!["resourceVersion"]!.GetValue<string>(), CultureInfo.InvariantCulture));
        return (objects, long.Parse(list["metadata"]!["resourceVersion"]!.GetValue<string>(), CultureInfo.InvariantCulture));
    }

    /// <summary>A running test host; its URL is read from the "ready" line it prints.</summary>
    private sealed class HostProcess : IAsyncDisposable
    {
        private readonly Process _process;

        private HostProcess(Process process, Uri url)
        {
            _process = process;
            Url = url;
        }

        public Uri Url { get; }

        public static async Task<HostProcess> StartAsync(string stateDir)
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
            psi.ArgumentList.Add(Executable);
            psi.ArgumentList.Add(stateDir);
            var process = Process.Start(psi)!;
            try
            {
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                while (await process.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
                {
                    if (line.StartsWith("ready ", StringComparison.Ordinal))
                    {
                        return new HostProcess(process, new Uri(line["ready ".Length..]));
                    }
                }

                throw new InvalidOperationException($"the test host exited before serving: {await process.StandardError.ReadToEndAsync(deadline.Token)}");
            }
            catch
            {
                process.Kill();
                process.Dispose();
                throw;
            }
        }

        /// <summary>SIGKILL: no shutdown code runs.</summary>
        public void Kill() => _process.Kill();

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.Close();
                if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
                {
                    _process.Kill();
                }
            }

            await _process.WaitForExitAsync();
            _process.Dispose();
        }

        private static string Executable => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "FluxSharp.LocalCluster.TestHost", "bin", Configuration, "net10.0", "FluxSharp.LocalCluster.TestHost.dll"));

#if DEBUG
        private const string Configuration = "Debug";
#else
        private const string Configuration = "Release";
#endif
    }
}
