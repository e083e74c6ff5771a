namespace FluxSharp.Testing;

/// <summary>Waits for a condition with a deadline instead of sleeping a fixed time.</summary>
public static class Eventually
{
    public static async Task<T> WaitAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout = null, string? what = null)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(done);
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        T last;
        while (true)
        {
            last = await probe();
            if (done(last))
            {
                return last;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what ?? "the condition"}; last value: {last}");
            }

            await Task.Delay(20);
        }
    }

    public static Task WaitAsync(Func<bool> done, TimeSpan? timeout = null, string? what = null) =>
        WaitAsync(() => Task.FromResult(done()), d => d, timeout, what);
}
