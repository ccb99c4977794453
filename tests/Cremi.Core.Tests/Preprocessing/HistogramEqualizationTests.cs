using Cremi.Core.Preprocessing;
using Cremi.Core.Volumes;

namespace Cremi.Core.Tests.Preprocessing;

public class HistogramEqualizationTests
{
    [Fact]
    public void Equalization_is_bit_exact_with_OpenCV_equalizeHist()
    {
        var actual = HistogramEqualization.Apply(OpenCvFixtures.Input);

        Assert.Equal(0, OpenCvFixtures.CountDifferent(actual, OpenCvFixtures.Bytes("equalize")));
    }

    [Fact]
    public void A_flat_section_keeps_its_grey_level()
    {
        var flat = new Volume<byte>(new Shape3(1, 3, 4), Enumerable.Repeat((byte)77, 12).ToArray(), VoxelSize.Cremi);

        Assert.All(HistogramEqualization.Apply(flat).Data, v => Assert.Equal(77, v));
    }

    [Fact]
    public void Two_grey_levels_become_black_and_white()
    {
        var twoLevels = new Volume<byte>(new Shape3(1, 1, 4), [10, 20, 10, 20], VoxelSize.Cremi);

        Assert.Equal([0, 255, 0, 255], HistogramEqualization.Apply(twoLevels).Data);
    }
}
