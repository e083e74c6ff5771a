using System.Net;
using FluxSharp.LocalCluster.Tests.Infrastructure;
using FluxSharp.Testing;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace FluxSharp.LocalCluster.Tests.Client;

/// <summary>A local control plane per test class with a KubernetesClient built from its kubeconfig file.</summary>
public class ClientFixture : LocalControlPlaneFixture
{
    /// <summary>The fixture's client as its concrete type (tests hand it to APIs that want one).</summary>
    public new Kubernetes Client => (Kubernetes)base.Client;

    /// <summary>A new client from the kubeconfig file, with optional extra handlers (e.g. impersonation headers).</summary>
    public Kubernetes NewClient(params DelegatingHandler[] handlers)
    {
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(KubeconfigPath);
        return new Kubernetes(config, handlers);
    }

    /// <summary>A fresh namespace for one test, created through the client.</summary>
    public Task<string> NewClientNamespaceAsync(string prefix = "c") => NewNamespaceAsync(prefix);
}

/// <summary>Polling with a deadline, and assertions on API errors.</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Polls <paramref name="probe"/> until it returns a non-null value or the deadline passes.</summary>
    public static async Task<T> GetAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null)
        where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var value = await probe();
            if (value is not null)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }

            await Task.Delay(20);
        }
    }

    public static async Task TrueAsync(Func<Task<bool>> probe, string what, TimeSpan? timeout = null) =>
        await GetAsync<object>(async () => await probe() ? new object() : null, what, timeout);

    /// <summary>Waits until a get answers 404.</summary>
    public static Task GoneAsync(Func<Task> get, string what, TimeSpan? timeout = null) =>
        TrueAsync(
            async () =>
            {
                try
                {
                    await get();
                    return false;
                }
                catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
                {
                    return true;
                }
            },
            what,
            timeout);
}

internal static class ApiError
{
    /// <summary>Runs a call that must fail; returns the status code and the Status body.</summary>
    public static async Task<(HttpStatusCode Code, V1Status Status)> CatchAsync(Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<HttpOperationException>(call);
        var status = KubernetesJson.Deserialize<V1Status>(e.Response.Content);
        Assert.Equal("Status", status.Kind);
        Assert.Equal("Failure", status.Status);
        Assert.Equal((int)e.Response.StatusCode, status.Code);
        return (e.Response.StatusCode, status);
    }
}
