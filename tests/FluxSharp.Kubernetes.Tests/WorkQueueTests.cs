using FluxSharp.Kubernetes.Client;
using FluxSharp.Kubernetes.Runtime;
using Microsoft.Extensions.Time.Testing;

namespace FluxSharp.Kubernetes.Tests;

public sealed class WorkQueueTests
{
    private static readonly ObjectKey A = new("ns", "a");
    private static readonly ObjectKey B = new("ns", "b");

    [Fact]
    public async Task AKeyAddedTwiceIsQueuedOnce()
    {
        using var queue = new WorkQueue();
        queue.Add(A);
        queue.Add(A);
        queue.Add(B);
        Assert.Equal(2, queue.Length);
        Assert.Equal(A, await queue.TakeAsync(CancellationToken.None));
        Assert.Equal(B, await queue.TakeAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AKeyAddedWhileInFlightIsProcessedAgainAfterDoneNotConcurrently()
    {
        using var queue = new WorkQueue();
        queue.Add(A);
        var taken = await queue.TakeAsync(CancellationToken.None);
        queue.Add(A);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await queue.TakeAsync(cts.Token));
        queue.Done(taken);
        Assert.Equal(A, await queue.TakeAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task AddAfterDelaysTheKeyOnTheQueuesClock()
    {
        var clock = new FakeTimeProvider();
        using var queue = new WorkQueue(time: clock);
        queue.AddAfter(A, TimeSpan.FromMilliseconds(200));
        clock.Advance(TimeSpan.FromMilliseconds(199));
        Assert.Equal(0, queue.Length);
        Assert.Equal(1, queue.Waiting);

        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(A, await queue.TakeAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, queue.Waiting);
    }

    [Fact]
    public void ALaterAddAfterReplacesAPendingOneAndAnAddCancelsIt()
    {
        var clock = new FakeTimeProvider();
        using var queue = new WorkQueue(time: clock);
        queue.AddAfter(A, TimeSpan.FromSeconds(10));
        queue.AddAfter(A, TimeSpan.FromSeconds(30));
        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(0, queue.Length);
        Assert.Equal(1, queue.Waiting);

        queue.Add(A);
        Assert.Equal(1, queue.Length);
        Assert.Equal(0, queue.Waiting);
    }

    [Fact]
    public void TheGlobalRateLimitSpacesRetriesOnceTheBurstIsSpent()
    {
        var clock = new FakeTimeProvider();
        using var queue = new WorkQueue(TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1), qps: 10, burst: 2, time: clock);
        Assert.Equal(TimeSpan.FromMilliseconds(1), queue.AddRateLimited(A));
        Assert.Equal(TimeSpan.FromMilliseconds(1), queue.AddRateLimited(B));
        Assert.Equal(TimeSpan.FromMilliseconds(100), queue.AddRateLimited(new ObjectKey("ns", "c")));

        // A second later the bucket is full again.
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromMilliseconds(1), queue.AddRateLimited(new ObjectKey("ns", "d")));
    }

    [Fact]
    public void FailuresBackOffExponentiallyAndForgetResets()
    {
        using var queue = new WorkQueue(TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromMilliseconds(10), queue.AddRateLimited(A));
        Assert.Equal(TimeSpan.FromMilliseconds(20), queue.AddRateLimited(A));
        Assert.Equal(TimeSpan.FromMilliseconds(40), queue.AddRateLimited(A));
        for (var i = 0; i < 20; i++)
        {
            queue.AddRateLimited(A);
        }

        Assert.Equal(TimeSpan.FromSeconds(1), queue.AddRateLimited(A));
        queue.Forget(A);
        Assert.Equal(0, queue.Failures(A));
        Assert.Equal(TimeSpan.FromMilliseconds(10), queue.AddRateLimited(A));
    }
}
