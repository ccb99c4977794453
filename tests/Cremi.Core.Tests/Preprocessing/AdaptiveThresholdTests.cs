using Cremi.Core.Preprocessing;

namespace Cremi.Core.Tests.Preprocessing;

public class AdaptiveThresholdTests
{
    [Theory]
    [InlineData("athresh_11_2", 11, 2.0, false)]
    [InlineData("athresh_5_-3_inv", 5, -3.0, true)]
    [InlineData("athresh_3_0.5", 3, 0.5, false)]
    [InlineData("athresh_21_1.5_inv", 21, 1.5, true)]
    public void Gaussian_adaptive_threshold_gives_OpenCVs_pixels(string fixture, int block, double c, bool inverse)
    {
        var actual = AdaptiveThreshold.Apply(OpenCvFixtures.Input, 255, block, c, inverse);

        Assert.Equal(0, OpenCvFixtures.CountDifferent(actual, OpenCvFixtures.Bytes(fixture)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void A_block_size_that_is_even_or_below_three_is_rejected(int block)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AdaptiveThreshold.Apply(OpenCvFixtures.Input, 255, block, 0));
    }
}
