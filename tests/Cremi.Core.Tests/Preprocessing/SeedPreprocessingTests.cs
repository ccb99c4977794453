using Cremi.Core.Preprocessing;
using Cremi.Core.Volumes;

namespace Cremi.Core.Tests.Preprocessing;

public class SeedPreprocessingTests
{
    // The fixture runs the seed's numpy/OpenCV code (with the documented stand-ins for a zero blur) on sections
    // that are textured, flat, partly black with a lone pixel where the blur is 0, and low-contrast.
    // Every step is integer or IEEE double arithmetic in the same order as numpy, so we hold it to exact equality
    // (far inside the 1/255 a model could notice).
    [Fact]
    public void The_seed_pipeline_reproduces_the_Python_tool_exactly()
    {
        var expected = OpenCvFixtures.Floats("seed");

        var actual = SeedPreprocessing.Apply(OpenCvFixtures.Input);

        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.Data, actual.Data);
    }

    [Fact]
    public void A_flat_volume_gives_zeros_not_NaN()
    {
        var flat = new Volume<byte>(new Shape3(2, 30, 40), Enumerable.Repeat((byte)9, 2400).ToArray(), VoxelSize.Cremi);

        Assert.All(SeedPreprocessing.Apply(flat).Data, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void A_black_section_stays_black_while_the_others_keep_their_range()
    {
        var data = new byte[2 * 30 * 40];
        for (var i = 1200; i < 2400; i++) data[i] = (byte)(i * 7 % 251);
        var volume = new Volume<byte>(new Shape3(2, 30, 40), data, VoxelSize.Cremi);

        var actual = SeedPreprocessing.Apply(volume);

        Assert.All(actual.Section(0).ToArray(), v => Assert.Equal(0f, v));
        Assert.Equal(1f, actual.Section(1).ToArray().Max());
    }
}
