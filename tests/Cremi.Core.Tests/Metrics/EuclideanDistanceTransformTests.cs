using Cremi.Core.Metrics;
using Cremi.Core.Volumes;

namespace Cremi.Core.Tests.Metrics;

public class EuclideanDistanceTransformTests
{
    public static TheoryData<string> Cases => MetricFixtures.Names("edt");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Distances_match_scipy_distance_transform_edt_with_anisotropic_sampling(string name)
    {
        var c = MetricFixtures.Case("edt", name);
        var expected = MetricFixtures.Array<double>(c, "edt");

        var actual = EuclideanDistanceTransform.Compute(MetricFixtures.Mask(c, "mask"), MetricFixtures.ShapeOf(c), MetricFixtures.SamplingOf(c));

        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-4 * Math.Max(expected[i], 1e-9),
                $"voxel {i}: {actual[i]} vs scipy {expected[i]}");
    }

    [Fact]
    public void Distances_along_each_axis_are_scaled_by_that_axis_voxel_size()
    {
        var shape = new Shape3(3, 4, 5);
        var mask = Enumerable.Repeat(true, (int)shape.Count).ToArray();
        mask[shape.Index(0, 0, 0)] = false;

        var d = EuclideanDistanceTransform.Compute(new Volume<bool>(shape, mask, new VoxelSize(40, 4, 2)));

        Assert.Equal(0f, d[0, 0, 0]);
        Assert.Equal(80f, d[2, 0, 0]);
        Assert.Equal(12f, d[0, 3, 0]);
        Assert.Equal(8f, d[0, 0, 4]);
        Assert.Equal((float)Math.Sqrt(80 * 80 + 12 * 12 + 8 * 8), d[2, 3, 4], 4);
    }

    [Fact]
    public void A_mask_without_false_voxels_gives_infinity_everywhere()
    {
        var shape = new Shape3(2, 3, 4);
        var d = EuclideanDistanceTransform.Compute(Enumerable.Repeat(true, 24).ToArray(), shape, VoxelSize.Cremi);

        Assert.All(d, v => Assert.Equal(float.PositiveInfinity, v));
    }

    [Fact]
    public void A_mask_of_only_false_voxels_gives_zero_everywhere()
    {
        var d = EuclideanDistanceTransform.Compute(new bool[24], new Shape3(2, 3, 4), VoxelSize.Cremi);

        Assert.All(d, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void A_mask_that_does_not_fill_the_shape_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => EuclideanDistanceTransform.Compute(new bool[5], new Shape3(2, 3, 4), VoxelSize.Cremi));
    }

    [Fact]
    public void Random_masks_match_a_brute_force_nearest_zero_search()
    {
        var rng = new Random(7);
        var shape = new Shape3(4, 9, 7);
        var sampling = new VoxelSize(33, 5, 3);
        var mask = Enumerable.Range(0, (int)shape.Count).Select(_ => rng.NextDouble() > 0.05).ToArray();

        var d = EuclideanDistanceTransform.Compute(mask, shape, sampling);

        for (var z = 0; z < shape.Z; z++)
        for (var y = 0; y < shape.Y; y++)
        for (var x = 0; x < shape.X; x++)
        {
            var best = double.PositiveInfinity;
            for (var zz = 0; zz < shape.Z; zz++)
            for (var yy = 0; yy < shape.Y; yy++)
            for (var xx = 0; xx < shape.X; xx++)
            {
                if (mask[shape.Index(zz, yy, xx)]) continue;
                var dz = (z - zz) * sampling.Z; var dy = (y - yy) * sampling.Y; var dx = (x - xx) * sampling.X;
                best = Math.Min(best, Math.Sqrt(dz * dz + dy * dy + dx * dx));
            }
            Assert.Equal(best, d[shape.Index(z, y, x)], 1e-3);
        }
    }
}
