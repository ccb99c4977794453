using Cremi.Core.Volumes;
using Cremi.Learning.Targets;

namespace Cremi.Learning.Tests;

public sealed class DistanceTargetTests
{
    private static readonly VoxelSize Cremi = VoxelSize.Cremi;

    [Fact]
    public void A_single_cleft_voxel_is_positive_and_its_surroundings_negative_in_nm()
    {
        var shape = new Shape3(3, 5, 5);
        var cleft = new bool[shape.Count];
        cleft[shape.Index(1, 2, 2)] = true;
        var target = new DistanceTarget().Compute(cleft, shape, Cremi);
        Assert.Equal(Math.Tanh(4.0 / 50), target[shape.Index(1, 2, 2)], 6);   // nearest background 4 nm away in-plane
        Assert.Equal(Math.Tanh(-4.0 / 50), target[shape.Index(1, 2, 3)], 6);
        Assert.Equal(Math.Tanh(-40.0 / 50), target[shape.Index(0, 2, 2)], 6); // one section above: 40 nm
        Assert.Equal(Math.Tanh(-Math.Sqrt(40 * 40 + 8 * 8 + 8 * 8) / 50), target[shape.Index(2, 0, 0)], 6);
        Assert.All(Enumerable.Range(0, cleft.Length), i => Assert.Equal(cleft[i], target[i] > 0));
    }

    [Fact]
    public void A_window_without_clefts_is_minus_one_and_an_all_cleft_window_plus_one()
    {
        var shape = new Shape3(2, 3, 3);
        Assert.All(new DistanceTarget().Compute(new bool[shape.Count], shape, Cremi), v => Assert.Equal(-1f, v));
        Assert.All(new DistanceTarget().Compute(Enumerable.Repeat(true, (int)shape.Count).ToArray(), shape, Cremi), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void The_separable_transform_equals_brute_force_on_a_random_block()
    {
        var shape = new Shape3(4, 7, 6);
        var voxel = new VoxelSize(40, 4, 5);
        var random = new Random(5);
        var features = Enumerable.Range(0, (int)shape.Count).Select(_ => random.NextDouble() < 0.08).ToArray();
        var fast = SeparableDistanceTransform.Instance.DistanceToNearest(features, shape, voxel);
        for (var z = 0; z < shape.Z; z++)
        for (var y = 0; y < shape.Y; y++)
        for (var x = 0; x < shape.X; x++)
        {
            var best = double.PositiveInfinity;
            for (var i = 0; i < features.Length; i++)
            {
                if (!features[i]) continue;
                int fz = i / (shape.Y * shape.X), fy = i / shape.X % shape.Y, fx = i % shape.X;
                best = Math.Min(best, Math.Sqrt(Math.Pow((z - fz) * voxel.Z, 2) + Math.Pow((y - fy) * voxel.Y, 2) + Math.Pow((x - fx) * voxel.X, 2)));
            }
            Assert.Equal(best, fast[shape.Index(z, y, x)], 9);
        }
    }

    [Fact]
    public void Another_distance_transform_can_be_plugged_in()
    {
        var calls = 0;
        var plugged = new FuncDistanceTransform((f, s, v) => { calls++; return SeparableDistanceTransform.Instance.DistanceToNearest(f, s, v); });
        var shape = new Shape3(1, 2, 2);
        var target = new DistanceTarget(plugged, scaleNm: 4).Compute([true, false, false, false], shape, Cremi);
        Assert.Equal(2, calls);
        Assert.Equal(Math.Tanh(1), target[0], 6);
        Assert.Equal(Math.Tanh(-Math.Sqrt(2)), target[3], 6);
    }
}
