using Cremi.Core.Sampling;

namespace Cremi.Core.Tests.Sampling;

public sealed class ReflectionTests
{
    // Reference: numpy.pad(np.arange(4), 9, mode="reflect") ->
    // [3 2 1 0 1 2 3 2 1 | 0 1 2 3 | 2 1 0 1 2 3 2 1 0]
    [Fact]
    public void Indices_outside_the_axis_mirror_like_numpy_reflect_even_several_periods_away()
    {
        int[] expectedLeft = [3, 2, 1, 0, 1, 2, 3, 2, 1];
        int[] expectedRight = [2, 1, 0, 1, 2, 3, 2, 1, 0];
        for (var k = 0; k < 9; k++)
        {
            Assert.Equal(expectedLeft[k], Reflection.Index(k - 9, 4));
            Assert.Equal(expectedRight[k], Reflection.Index(4 + k, 4));
        }
        for (var i = 0; i < 4; i++) Assert.Equal(i, Reflection.Index(i, 4));
    }

    [Fact]
    public void An_axis_of_one_voxel_repeats_it()
    {
        Assert.Equal(0, Reflection.Index(-5, 1));
        Assert.Equal(0, Reflection.Index(7, 1));
    }
}
