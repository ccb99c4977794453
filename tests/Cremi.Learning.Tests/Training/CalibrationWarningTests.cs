using Cremi.Learning.Training;

namespace Cremi.Learning.Tests.Training;

public sealed class CalibrationWarningTests
{
    private static Calibration At(double threshold) => new(threshold, 0.58, 0.51, 1_000_000, 1_000_000, TimeSpan.FromSeconds(3));

    [Theory]
    [InlineData(0.00390625, "0.004", "under-confident")] // what two thin-volume models of 2026-11-27 shipped with
    [InlineData(0.97, "0.970", "over-confident")]
    public void A_threshold_near_either_end_is_reported_with_both_f1_figures(double threshold, string shown, string kind)
    {
        var warning = Assert.IsType<string>(At(threshold).Warning);
        Assert.Contains(shown, warning);
        Assert.Contains(kind, warning);
        Assert.Contains("0.580, 0.510 at 0.5", warning);
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.5)]
    [InlineData(0.95)]
    public void A_threshold_inside_the_range_is_not(double threshold) => Assert.Null(At(threshold).Warning);
}
