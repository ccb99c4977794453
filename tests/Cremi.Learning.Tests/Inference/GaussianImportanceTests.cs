using Cremi.Core.Volumes;
using Cremi.Learning.Inference;

namespace Cremi.Learning.Tests.Inference;

public sealed class GaussianImportanceTests
{
    [Fact]
    public void The_map_peaks_at_one_in_the_centre_and_falls_towards_the_borders()
    {
        var shape = new Shape3(9, 17, 17); // odd sides: one centre voxel
        var map = GaussianImportance.Map(shape);
        Assert.Equal(shape.Count, map.Length);
        var centre = map[shape.Index(4, 8, 8)];
        Assert.Equal(1f, centre);
        Assert.Equal(1f, map.Max());
        Assert.True(map[shape.Index(0, 0, 0)] < map[shape.Index(2, 4, 4)]);
        Assert.True(map[shape.Index(2, 4, 4)] < centre);
    }

    [Fact]
    public void The_map_is_symmetric_under_flips_of_every_axis()
    {
        var shape = new Shape3(4, 6, 10);
        var map = GaussianImportance.Map(shape);
        for (var z = 0; z < shape.Z; z++)
        for (var y = 0; y < shape.Y; y++)
        for (var x = 0; x < shape.X; x++)
            Assert.Equal(map[shape.Index(z, y, x)], map[shape.Index(shape.Z - 1 - z, shape.Y - 1 - y, shape.X - 1 - x)], 6);
    }

    [Fact]
    public void No_weight_is_zero_even_in_the_corners_of_a_large_window()
    {
        var map = GaussianImportance.Map(new Shape3(16, 128, 128));
        Assert.True(map.Min() >= GaussianImportance.Floor);
        Assert.All(map, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Sigma_is_one_eighth_of_the_side_so_one_sigma_from_the_centre_weighs_exp_minus_half()
    {
        var axis = GaussianImportance.Axis(65); // centre 32, sigma 8.125
        Assert.Equal(1.0, axis[32], 12);
        Assert.Equal(Math.Exp(-0.5 * Math.Pow(8 / 8.125, 2)), axis[40], 12);
    }
}
