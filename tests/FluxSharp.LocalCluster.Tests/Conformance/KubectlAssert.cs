using System.Diagnostics;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Tests.Infrastructure;
using FluxSharp.Testing;

namespace FluxSharp.LocalCluster.Tests.Conformance;

/// <summary>Small helpers shared by the kubectl conformance tests: run, parse JSON output, poll with a deadline.</summary>
internal static class KubectlAssert
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    /// <summary>Runs kubectl and fails the test (with kubectl's output) when it does not exit 0.</summary>
    public static async Task<string> OkAsync(this Kubectl kubectl, params string[] args) =>
        (await kubectl.RunAsync(args)).EnsureSuccess().Stdout;

    /// <summary>Runs kubectl with stdin (a manifest for `-f -`) and fails the test when it does not exit 0.</summary>
    public static async Task<string> OkWithInputAsync(this Kubectl kubectl, string stdin, params string[] args) =>
        (await kubectl.RunAsync(args, stdin)).EnsureSuccess().Stdout;

    /// <summary>Runs kubectl expecting failure; returns the result so the caller can check the message.</summary>
    public static async Task<KubectlResult> FailsAsync(this Kubectl kubectl, string? stdin, params string[] args)
    {
        var result = await kubectl.RunAsync(args, stdin);
        Assert.True(result.ExitCode != 0, $"`{result.CommandLine}` was expected to fail but exited 0\nstdout: {result.Stdout}");
        return result;
    }

    /// <summary>`kubectl get ... -o json` parsed.</summary>
    public static async Task<JsonObject> GetJsonAsync(this Kubectl kubectl, params string[] args)
    {
        var stdout = await kubectl.OkAsync([.. args, "-o", "json"]);
        return JsonNode.Parse(stdout)!.AsObject();
    }

    /// <summary>True when `kubectl get` finds the object (exit 0), false when it reports NotFound.</summary>
    public static async Task<bool> ExistsAsync(this Kubectl kubectl, params string[] args)
    {
        var result = await kubectl.RunAsync([.. args, "-o", "name"]);
        if (result.Success)
        {
            return true;
        }

        Assert.Contains("NotFound", result.Stderr, StringComparison.Ordinal);
        return false;
    }

    public static string? Str(this JsonNode? node, params string[] path)
    {
        var n = node;
        foreach (var p in path)
        {
            n = n?[p];
        }

        return n?.GetValueKind() == System.Text.Json.JsonValueKind.String ? n.GetValue<string>() : n?.ToJsonString();
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or the deadline passes (then fails with <paramref name="what"/>).</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (await condition())
            {
                return;
            }

            if (watch.Elapsed > Deadline)
            {
                Assert.Fail($"not within {Deadline.TotalSeconds}s: {what}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The managedFields entry of a manager (with its operation), or null.</summary>
    public static JsonObject? ManagedBy(JsonObject obj, string manager, string operation) =>
        (obj["metadata"]?["managedFields"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .FirstOrDefault(e => e.Str("manager") == manager && e.Str("operation") == operation);
}
