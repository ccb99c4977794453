using Cremi.Core.Preprocessing;
using Cremi.Core.Volumes;

namespace Cremi.Core.Tests.Preprocessing;

public class ClaheTests
{
    // 53x77 sections divide by none of these grids; 3x8 divides along x only, where OpenCV still pads a whole tile.
    [Theory]
    [InlineData("clahe_2_8x8", 2.0, 8, 8)]
    [InlineData("clahe_3_3x8", 3.0, 3, 8)]
    [InlineData("clahe_40_5x4", 40.0, 5, 4)]
    [InlineData("clahe_0_8x8", 0.0, 8, 8)]
    public void Clahe_matches_OpenCV_on_sections_that_do_not_divide_into_the_tile_grid(string fixture, double clip, int tilesX, int tilesY)
    {
        var actual = Clahe.Apply(OpenCvFixtures.Input, clip, tilesX, tilesY);

        Assert.Equal(0, OpenCvFixtures.MaxDifference(actual, OpenCvFixtures.Bytes(fixture)));
    }

    [Fact]
    public void Clahe_matches_OpenCV_on_sections_that_divide_into_the_tile_grid()
    {
        var crop = OpenCvFixtures.Input.Crop(0, 0, 0, new Shape3(4, 48, 72));

        var actual = Clahe.Apply(crop, 2.0, 8, 8);

        Assert.Equal(0, OpenCvFixtures.MaxDifference(actual, OpenCvFixtures.Bytes("clahe_2_8x8_crop")));
    }

    [Fact]
    public void A_section_smaller_than_the_grid_still_gets_a_defined_result()
    {
        var tiny = new Volume<byte>(new Shape3(1, 2, 3), [0, 50, 100, 150, 200, 250], VoxelSize.Cremi);

        var actual = Clahe.Apply(tiny, 2.0, 8, 8);

        Assert.Equal(6, actual.Data.Length);
    }
}
