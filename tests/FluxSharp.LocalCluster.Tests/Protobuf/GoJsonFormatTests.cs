using FluxSharp.LocalCluster.Protobuf;

namespace FluxSharp.LocalCluster.Tests.Protobuf;

public class GoJsonFormatTests
{
    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(999L, "999ns")]
    [InlineData(1_500L, "1.5µs")]
    [InlineData(1_500_000L, "1.5ms")]
    [InlineData(2_500_000_000L, "2.5s")]
    [InlineData(60_000_000_000L, "1m0s")]
    [InlineData(3_600_000_000_000L, "1h0m0s")]
    [InlineData(3_723_500_000_000L, "1h2m3.5s")]
    [InlineData(-1_000_000_000L, "-1s")]
    [InlineData(long.MinValue, "-2562047h47m16.854775808s")]
    public void DurationMatchesGo(long nanoseconds, string expected) =>
        Assert.Equal(expected, GoJsonFormat.Duration(nanoseconds));

    [Fact]
    public void TimesAreUtcRfc3339()
    {
        Assert.Equal("2024-05-01T12:00:00Z", GoJsonFormat.Time(1714564800));
        Assert.Equal("2024-05-01T12:00:00.000001Z", GoJsonFormat.MicroTime(1714564800, 1_999));
    }
}
