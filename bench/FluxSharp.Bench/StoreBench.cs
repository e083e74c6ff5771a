using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster;
using FluxSharp.LocalCluster.Storage;

namespace FluxSharp.Bench;

/// <summary>
/// Write throughput and latency of the local control plane's datastore (SQLite, WAL, synchronous NORMAL and FULL)
/// against the in-memory store, same run: straight into the ObjectStore (the storage cost alone) and over HTTP
/// (what a client sees), with one writer and with concurrent writers.
/// </summary>
internal static class StoreBench
{
    private sealed record Result(string Scenario, string Store, int Writers, int Ops, double Seconds, double[] Latencies)
    {
        public double OpsPerSecond => Ops / Seconds;

        public double P50Micros => Percentile(Latencies, 0.50);

        public double P99Micros => Percentile(Latencies, 0.99);
    }

    /// <summary>One row per store from several rounds: all their writes and all their time.</summary>
    private static IEnumerable<Result> Combine(List<Result> runs) =>
        runs.GroupBy(r => r.Store).Select(g => g.First() with
        {
            Ops = g.Sum(r => r.Ops),
            Seconds = g.Sum(r => r.Seconds),
            Latencies = g.SelectMany(r => r.Latencies).Order().ToArray(),
        });

    public static async Task<string> RunAsync(bool quick)
    {
        var scale = quick ? 0.2 : 1.0;
        int N(int n) => Math.Max(50, (int)(n * scale));
        var root = Path.Combine(Path.GetTempPath(), "fluxsharp-bench-store-" + Guid.NewGuid().ToString("N")[..8]);
        var total = Stopwatch.StartNew();
        var results = new List<Result>();
        try
        {
            // Rounds interleave the stores, so a machine whose load drifts during the run affects all of them alike.
            var stores = new (string Name, SqliteSynchronous? Sync)[] { ("memory", null), ("sqlite NORMAL", SqliteSynchronous.Normal), ("sqlite FULL", SqliteSynchronous.Full) };
            var rounds = quick ? 1 : 3;
            foreach (var writers in new[] { 1, 4 })
            {
                var runs = new List<Result>();
                for (var round = 0; round < rounds; round++)
                {
                    foreach (var (name, sync) in stores)
                    {
                        var ops = sync == SqliteSynchronous.Full ? N(500) : N(5000);
                        runs.Add(DirectWrites(Path.Combine(root, $"direct-{writers}-{round}-{name.Replace(' ', '-')}"), name, sync, writers, ops));
                    }
                }

                results.AddRange(Combine(runs));
            }

            foreach (var writers in new[] { 1, 4 })
            {
                var runs = new List<Result>();
                for (var round = 0; round < rounds; round++)
                {
                    foreach (var (name, sync) in stores)
                    {
                        var ops = sync == SqliteSynchronous.Full ? N(300) : N(1500);
                        runs.Add(await HttpWritesAsync(Path.Combine(root, $"http-{writers}-{round}-{name.Replace(' ', '-')}"), name, sync, writers, ops));
                    }
                }

                results.AddRange(Combine(runs));
            }
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // Best effort.
            }
        }

        return Format(results, total.Elapsed, quick);
    }

    /// <summary>ConfigMap creates then updates straight into an ObjectStore: the store's own cost per write.</summary>
    private static Result DirectWrites(string dir, string name, SqliteSynchronous? sync, int writers, int ops)
    {
        Directory.CreateDirectory(dir);
        IStorageBackend backend = sync is { } s
            ? SqliteStorageBackend.Open(Path.Combine(dir, "state.db"), new SqliteStorageOptions { Synchronous = s })
            : new MemoryStorageBackend();
        using var store = new ObjectStore(backend);
        const string Key = "/configmaps";

        // Warm up JIT and the database's pages.
        for (var i = 0; i < 200; i++)
        {
            store.TryCreate(Key, ConfigMap($"warm-{i}", i), out _);
        }

        var latencies = new double[ops];
        var perWriter = ops / writers;
        var clock = Stopwatch.StartNew();
        Parallel.For(0, writers, new ParallelOptions { MaxDegreeOfParallelism = writers }, w =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                var start = Stopwatch.GetTimestamp();
                var cmName = $"cm-{w}-{i / 2}";
                if (i % 2 == 0)
                {
                    store.TryCreate(Key, ConfigMap(cmName, i), out _);
                }
                else
                {
                    var current = store.Get(Key, "default", cmName)!;
                    var update = ConfigMap(cmName, i);
                    update["metadata"]!["resourceVersion"] = current["metadata"]!["resourceVersion"]!.GetValue<string>();
                    store.TryUpdate(Key, update, current["metadata"]!["resourceVersion"]!.GetValue<string>(), out _);
                }

                latencies[(w * perWriter) + i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }
        });
        var seconds = clock.Elapsed.TotalSeconds;
        var sorted = latencies.Take(perWriter * writers).Order().ToArray();
        return new Result("ObjectStore create/update", name, writers, sorted.Length, seconds, sorted);
    }

    /// <summary>ConfigMap creates over HTTP/1.1 against a whole control plane, with or without a state dir.</summary>
    private static async Task<Result> HttpWritesAsync(string dir, string name, SqliteSynchronous? sync, int writers, int ops)
    {
        var options = new LocalControlPlaneOptions { SimulateWorkloads = false };
        if (sync is { } s)
        {
            options.StateDir = dir;
            options.Synchronous = s;
        }

        await using var plane = await LocalControlPlane.StartAsync(options);
        using var http = plane.CreateHttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = writers });
        for (var i = 0; i < 200; i++)
        {
            await CreateAsync(http, $"warm-{i}");
        }

        var latencies = new double[ops];
        var perWriter = ops / writers;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                var start = Stopwatch.GetTimestamp();
                await CreateAsync(http, $"cm-{w}-{i}");
                latencies[(w * perWriter) + i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }
        })));
        var seconds = clock.Elapsed.TotalSeconds;
        var sorted = latencies.Take(perWriter * writers).Order().ToArray();
        return new Result("HTTP create ConfigMap", name, writers, sorted.Length, seconds, sorted);
    }

    private static async Task CreateAsync(HttpClient http, string name)
    {
        using var content = new StringContent(ConfigMap(name, 0).ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri("api/v1/namespaces/default/configmaps", UriKind.Relative), content);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"create {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>A ConfigMap of about 1 KiB, as a typical manifest.</summary>
    private static JsonObject ConfigMap(string name, int i)
    {
        var data = new JsonObject();
        for (var k = 0; k < 16; k++)
        {
            data[$"key{k}"] = $"value-{i}-{k}-0123456789abcdef0123456789abcdef";
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default", ["labels"] = new JsonObject { ["app"] = "bench" } },
            ["data"] = data,
        };
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static string Format(List<Result> results, TimeSpan elapsed, bool quick)
    {
        static string F(double x, string format = "0") => x.ToString(format, CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        sb.Append("# Datastore benchmark\n\n");
        sb.Append("`dotnet run -c Release --project bench/FluxSharp.Bench -- store").Append(quick ? " --quick" : string.Empty).Append("` — ")
            .Append(Environment.ProcessorCount).Append(" cores, .NET ").Append(Environment.Version).Append(", load average ").Append(BenchSupport.LoadAverage())
            .Append(", ").Append(DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(". Total run ").Append(F(elapsed.TotalSeconds)).Append(" s.\n\n");
        sb.Append("Writes with the SQLite datastore (a state dir: WAL, every write committed before it is acknowledged) against the in-memory store ")
            .Append("(no state dir, nothing persisted), measured in the same run, in interleaved rounds (memory, NORMAL, FULL, again). Ratios are datastore ÷ memory: writes/s below 1 and p99 above 1 are the cost of durability. ")
            .Append("NORMAL (the default) survives kill -9 of the process; FULL also fsyncs every commit (survives power loss). ")
            .Append("ObjectStore rows write straight into the store (half creates, half updates, ~1 KiB ConfigMaps); HTTP rows are ConfigMap creates by HttpClient over loopback HTTP/1.1.\n\n");
        sb.Append("| scenario | writers | store | writes | writes/s | p50 µs | p99 µs | writes/s × memory | p99 × memory |\n");
        sb.Append("|---|---:|---|---:|---:|---:|---:|---:|---:|\n");
        foreach (var r in results)
        {
            var memory = results.First(m => m.Scenario == r.Scenario && m.Writers == r.Writers && m.Store == "memory");
            sb.Append("| ").Append(r.Scenario).Append(" | ").Append(r.Writers).Append(" | ").Append(r.Store).Append(" | ").Append(r.Ops)
                .Append(" | ").Append(F(r.OpsPerSecond)).Append(" | ").Append(F(r.P50Micros)).Append(" | ").Append(F(r.P99Micros))
                .Append(" | ").Append(F(r.OpsPerSecond / memory.OpsPerSecond, "0.00")).Append(" | ").Append(F(r.P99Micros / memory.P99Micros, "0.00")).Append(" |\n");
        }

        return sb.ToString();
    }
}
