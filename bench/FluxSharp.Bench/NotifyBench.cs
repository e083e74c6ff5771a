using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using FluxSharp.Api.Notification.V1beta3;
using FluxSharp.Controllers.Notification;
using FluxSharp.Kubernetes.Runtime;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FluxSharp.Bench;

/// <summary>
/// `notify`: event → generic provider delivery latency (p50/p99) against a raw HTTP POST of the same body to the
/// same listener on 127.0.0.1; then 1,000 events/s through 100 Alerts (one Provider each), counting drops and duplicates.
/// </summary>
internal static class NotifyBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var samples = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 500;
        var received = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var waiters = new ConcurrentDictionary<string, TaskCompletionSource<long>>(StringComparer.Ordinal);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        await using var app = builder.Build();
        app.Run(async ctx =>
        {
            using var reader = new StreamReader(ctx.Request.Body);
            var body = await reader.ReadToEndAsync();
            var at = Stopwatch.GetTimestamp();
            var id = ctx.Request.Headers["X-Id"].ToString();
            if (id.Length == 0)
            {
                var start = body.IndexOf("\"message\":\"", StringComparison.Ordinal) + 11;
                id = body[start..body.IndexOf('"', start)];
            }

            received.AddOrUpdate(id, 1, (_, n) => n + 1);
            if (waiters.TryRemove(id, out var waiter))
            {
                waiter.TrySetResult(at);
            }

            ctx.Response.StatusCode = 200;
        });
        await app.StartAsync();
        var port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        var url = $"http://127.0.0.1:{port}/hook";

        var alerts = new List<Alert>();
        var providers = new Dictionary<string, Provider>(StringComparer.Ordinal);
        for (var i = 0; i < 100; i++)
        {
            alerts.Add(new Alert { Metadata = new() { Name = $"a{i}", NamespaceProperty = "bench" }, Spec = new() { ProviderRef = new() { Name = $"p{i}" }, EventSources = [new() { Kind = "Kustomization", Name = $"app{i}" }] } });
            providers[$"p{i}"] = new Provider { Metadata = new() { Name = $"p{i}", NamespaceProperty = "bench", Uid = Guid.NewGuid().ToString() }, Spec = new() { Type = ProviderTypes.Generic, Address = url } };
        }

        // No cluster: nothing here reads a Secret or records a Warning unless a delivery fails.
        using var kube = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" });
        using var http = new ProviderHttp(TimeProvider.System);
        await using var dispatcher = new NotificationDispatcher(
            new NotificationOptions(),
            () => alerts,
            (_, name) => providers.GetValueOrDefault(name),
            (_, _) => Task.FromResult<IDictionary<string, string>?>(null),
            new ProviderResolver(kube),
            http,
            new EventRecorder(kube, "bench", NullLogger.Instance),
            NullLogger.Instance,
            TimeProvider.System);
        using var stop = new CancellationTokenSource();
        var running = dispatcher.RunAsync(stop.Token);

        FluxEvent Event(int app, string message) => new(
            new V1ObjectReference { Kind = "Kustomization", NamespaceProperty = "bench", Name = $"app{app}", ApiVersion = "kustomize.toolkit.fluxcd.io/v1" },
            "Normal", "ReconciliationSucceeded", message, new Dictionary<string, string> { ["kustomize.toolkit.fluxcd.io/revision"] = "main@sha1:abc" }, "kustomize-controller", DateTimeOffset.UtcNow);

        // Raw: the same body POSTed by hand to the same listener.
        using var client = new HttpClient();
        var raw = new List<double>();
        var pipeline = new List<double>();
        for (var i = 0; i < samples + 50; i++)
        {
            var id = $"raw-{i}";
            var tcs = waiters[id] = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            var body = GoJson.Serialize(NotificationEvent.From(Event(0, id)).ToJson());
            var start = Stopwatch.GetTimestamp();
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await client.PostAsync(new Uri(url), content);
            var end = await tcs.Task;
            if (i >= 50)
            {
                raw.Add(Stopwatch.GetElapsedTime(start, end).TotalMilliseconds);
            }
        }

        for (var i = 0; i < samples + 50; i++)
        {
            var id = $"event-{i}";
            var tcs = waiters[id] = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            var start = Stopwatch.GetTimestamp();
            dispatcher.Accept(Event(0, id));
            var end = await tcs.Task;
            if (i >= 50)
            {
                pipeline.Add(Stopwatch.GetElapsedTime(start, end).TotalMilliseconds);
            }
        }

        // Throughput: 1,000 events/s for 5 s across 100 Alerts, each event matching exactly one.
        const int rate = 1000;
        const int seconds = 5;
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        var sent = 0;
        var clock = Stopwatch.StartNew();
        for (var s = 0; s < seconds; s++)
        {
            for (var i = 0; i < rate; i++)
            {
                dispatcher.Accept(Event(sent % 100, $"load-{sent}"));
                sent++;
                var due = TimeSpan.FromSeconds((double)sent / rate);
                if (clock.Elapsed < due - TimeSpan.FromMilliseconds(5))
                {
                    await Task.Delay(due - clock.Elapsed);
                }
            }
        }

        var sendSeconds = clock.Elapsed.TotalSeconds;
        var peakMemory = GC.GetTotalMemory(forceFullCollection: false);
        var deadline = Stopwatch.StartNew();
        while (received.Keys.Count(k => k.StartsWith("load-", StringComparison.Ordinal)) < sent && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(50);
        }

        var drainSeconds = clock.Elapsed.TotalSeconds;
        var delivered = received.Count(kv => kv.Key.StartsWith("load-", StringComparison.Ordinal));
        var duplicates = received.Where(kv => kv.Key.StartsWith("load-", StringComparison.Ordinal)).Sum(kv => kv.Value - 1);
        await stop.CancelAsync();
        try
        {
            await running;
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        raw.Sort();
        pipeline.Sort();
        double P(List<double> xs, double q) => xs[Math.Min(xs.Count - 1, (int)Math.Ceiling(q * xs.Count) - 1)];
        var report = new StringBuilder()
            .AppendLine("# notify: event → provider delivery")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Listener on 127.0.0.1 (Kestrel); generic provider; {samples} sequential samples after 50 warm-up; load average {BenchSupport.LoadAverage()}.")
            .AppendLine()
            .AppendLine("| path | p50 ms | p99 ms |")
            .AppendLine("|---|---|---|")
            .AppendLine(CultureInfo.InvariantCulture, $"| raw HTTP POST of the same body (HttpClient) | {P(raw, 0.5).ToString("0.000", CultureInfo.InvariantCulture)} | {P(raw, 0.99).ToString("0.000", CultureInfo.InvariantCulture)} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| recorded event → dispatcher → provider queue → POST | {P(pipeline, 0.5).ToString("0.000", CultureInfo.InvariantCulture)} | {P(pipeline, 0.99).ToString("0.000", CultureInfo.InvariantCulture)} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| ratio | {P(pipeline, 0.5) / P(raw, 0.5):0.00} | {P(pipeline, 0.99) / P(raw, 0.99):0.00} |")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Load: {sent} events at {rate}/s ({sendSeconds:0.0}s) through 100 Alerts (one generic Provider each): {delivered} delivered, {sent - delivered} dropped, {duplicates} duplicated; all delivered after {drainSeconds:0.0}s; managed heap grew {(peakMemory - memoryBefore) / 1024.0 / 1024.0:0.0} MiB while sending.")
            .ToString();
        Console.WriteLine(report);
        var outPath = Path.Combine(BenchSupport.ResultsDir(), "notify.md");
        await File.WriteAllTextAsync(outPath, report);
        Console.WriteLine($"written to {outPath}");
        return delivered == sent && duplicates == 0 ? 0 : 1;
    }
}
