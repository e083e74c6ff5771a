using FluxSharp.Api;
using FluxSharp.Kubernetes.Client;
using FluxSharp.Kubernetes.Runtime;
using k8s;
using Microsoft.Extensions.Logging;

namespace FluxSharp.Kubernetes.Tests;

/// <summary>Stopping an informer ends RunAsync normally, also while it backs off after a failed watch.</summary>
public sealed class InformerStopTests
{
    [Fact]
    public async Task StoppingAnInformerWhileItBacksOffEndsNormally()
    {
        // Nothing listens on port 1: every list fails and the informer backs off.
        using var kube = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" });
        var retrying = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var informer = new Informer(new ResourceClient(kube, new ApiResource("", "v1", "configmaps", "ConfigMap")), "default", new SignalOnWarning(retrying));
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);

        await retrying.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await stop.CancelAsync();

        // Before the fix the cancelled back-off delay escaped as an OperationCanceledException.
        await run.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(run.IsCompletedSuccessfully);
    }

    private sealed class SignalOnWarning(TaskCompletionSource signal) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                signal.TrySetResult();
            }
        }
    }
}
