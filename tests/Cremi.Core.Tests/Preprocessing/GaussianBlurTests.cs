using Cremi.Core.Preprocessing;

namespace Cremi.Core.Tests.Preprocessing;

public class GaussianBlurTests
{
    [Theory]
    [InlineData("blur_21_21", 21, 21.0)]
    [InlineData("blur_5_1.5", 5, 1.5)]
    [InlineData("blur_7_0", 7, 0.0)]
    [InlineData("blur_15_0", 15, 0.0)]
    public void Blur_is_bit_exact_with_OpenCV_GaussianBlur_on_uint8(string fixture, int size, double sigma)
    {
        var actual = GaussianBlur.Apply(OpenCvFixtures.Input, size, sigma);

        Assert.Equal(0, OpenCvFixtures.CountDifferent(actual, OpenCvFixtures.Bytes(fixture)));
    }

    [Fact]
    public void The_seed_kernel_has_OpenCVs_error_diffused_fixed_point_taps()
    {
        // Printed from OpenCV 4.6's getGaussianKernelFixedPoint_ED: the carried rounding error makes it uneven.
        int[] expected = [11, 12, 12, 12, 12, 12, 13, 12, 13, 13, 12, 13, 13, 12, 13, 12, 12, 12, 12, 12, 11];

        Assert.Equal(expected, GaussianKernel.FixedPoint(21, 21));
    }

    [Fact]
    public void An_even_kernel_size_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianBlur.Apply(OpenCvFixtures.Input, 4, 1));
    }
}
