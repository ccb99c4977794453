using Cremi.Core.Tests.Preprocessing;
using Cremi.Core.Volumes;

namespace Cremi.Core.Tests.Volumes;

/// <summary>Against OpenCV 4.6's cv2.resize on float32 sections (INTER_LINEAR to enlarge, INTER_AREA to shrink).</summary>
public class InPlaneResamplingTests
{
    [Theory]
    [InlineData("resize_up_2x")]
    [InlineData("resize_up_1.6x")]
    [InlineData("resize_down_2x")]
    [InlineData("resize_down_1.5x")]
    public void Sections_resize_as_opencv_does(string fixture)
    {
        var input = OpenCvFixtures.Input;
        var expected = OpenCvFixtures.Floats(fixture);
        var floats = input.With(Array.ConvertAll(input.Data, v => (float)v));

        var actual = InPlaneResampling.Resample(floats, expected.Shape.Y, expected.Shape.X);

        Assert.Equal(expected.Shape, actual.Shape);
        var worst = actual.Data.Zip(expected.Data, (a, e) => Math.Abs(a - e)).Max();
        Assert.True(worst < 2e-3f, $"largest difference from OpenCV {worst}");
    }

    [Fact]
    public void The_voxel_size_follows_the_new_grid_and_z_is_untouched()
    {
        var volume = new Volume<byte>(new Shape3(3, 10, 20), new VoxelSize(40, 8, 8), new Offset3(80, 16, 0));

        var finer = InPlaneResampling.Resample(volume, 20, 40);

        Assert.Equal(new Shape3(3, 20, 40), finer.Shape);
        Assert.Equal(new VoxelSize(40, 4, 4), finer.Resolution);
        Assert.Equal(volume.Offset, finer.Offset);
    }

    [Fact]
    public void Grey_values_round_half_to_even_and_a_round_trip_keeps_a_smooth_image()
    {
        var shape = new Shape3(2, 24, 32);
        var data = new byte[shape.Count];
        for (var i = 0; i < data.Length; i++) data[i] = (byte)(100 + 60 * Math.Sin(i % 32 / 6.0) * Math.Cos(i / 32 % 24 / 5.0));
        var volume = new Volume<byte>(shape, data, new VoxelSize(40, 8, 8));

        var back = InPlaneResampling.Resample(InPlaneResampling.Resample(volume, 48, 64), 24, 32);

        // Up by linear interpolation, down by the area average: a smooth image comes back within a grey level or two.
        Assert.True(back.Data.Zip(data, (a, b) => Math.Abs(a - b)).Max() <= 3);
    }

    [Fact]
    public void Nearest_takes_the_pixel_under_each_centre_and_invents_no_value()
    {
        // Rows 0..3 -> 0..5 (centres at 0.33, 1, 1.67, 2.33, 3, 3.67 source pixels) and columns 0..3 -> 0..1 (1, 3).
        var volume = new Volume<ulong>(new Shape3(1, 4, 4), Enumerable.Range(0, 16).Select(i => (ulong)i).ToArray(), new VoxelSize(40, 6, 8));

        var resized = InPlaneResampling.Nearest(volume, 6, 2);

        Assert.Equal(new ulong[] { 1, 3, 5, 7, 5, 7, 9, 11, 13, 15, 13, 15 }, resized.Data);
        Assert.Equal(new VoxelSize(40, 4, 16), resized.Resolution);
    }
}
