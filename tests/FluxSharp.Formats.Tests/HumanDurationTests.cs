namespace FluxSharp.Formats.Tests;

/// <summary>apimachinery's HumanDuration, which both kubectl's AGE column and flux's tables print.</summary>
public class HumanDurationTests
{
    [Theory]
    [InlineData(-2, "<invalid>")]
    [InlineData(-1.5, "0s")]
    [InlineData(-1, "0s")]
    [InlineData(0, "0s")]
    [InlineData(1.9, "1s")]
    [InlineData(119, "119s")]
    [InlineData(120, "2m")]
    [InlineData(121, "2m1s")]
    [InlineData(599, "9m59s")]
    [InlineData(600, "10m")]
    [InlineData(659, "10m")]
    [InlineData(3 * 3600 - 1, "179m")]
    [InlineData(3 * 3600, "3h")]
    [InlineData(3 * 3600 + 60, "3h1m")]
    [InlineData(8 * 3600 - 1, "7h59m")]
    [InlineData(8 * 3600, "8h")]
    [InlineData(48 * 3600 - 1, "47h")]
    [InlineData(48 * 3600, "2d")]
    [InlineData(49 * 3600, "2d1h")]
    [InlineData(8 * 86400 - 1, "7d23h")]
    [InlineData(8 * 86400, "8d")]
    [InlineData(2 * 365 * 86400 - 1, "729d")]
    [InlineData(2 * 365 * 86400, "2y")]
    [InlineData(2 * 365 * 86400 + 86400, "2y1d")]
    [InlineData(8 * 365 * 86400 - 1, "7y364d")]
    [InlineData(8 * 365 * 86400, "8y")]
    [InlineData(100.0 * 365 * 86400, "100y")]
    public void FormatsLikeApimachinery(double seconds, string expected) =>
        Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void SinceReadsRfc3339AndSaysUnknownWithoutATimestamp()
    {
        var now = new DateTimeOffset(2025, 1, 10, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal("5m", HumanDuration.Since("2025-01-10T11:55:00Z", now));
        Assert.Equal("89s", HumanDuration.Since("2025-01-10T11:58:30.5Z", now)); // truncated, not rounded
        Assert.Equal("<unknown>", HumanDuration.Since(null, now));
        Assert.Equal("<unknown>", HumanDuration.Since("", now));
        Assert.False(HumanDuration.TryParse("yesterday", out _));
    }
}
