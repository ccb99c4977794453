using Cremi.Core.Training;
using Cremi.Core.Volumes;

namespace Cremi.Core.Tests.Training;

public sealed class NetworkPlanTests
{
    [Theory]
    [InlineData(40, 4, 4, 4, 2)]   // CREMI: the measured default
    [InlineData(42, 4.2, 4.2, 4, 2)] // CREMI-like within tolerance
    [InlineData(8, 8, 8, 4, 0)]    // isotropic FIB-SEM: 3D from the top
    [InlineData(8, 4, 4, 4, 0)]    // 2:1 is pooled together (below the anisotropy of 3)
    [InlineData(30, 6, 6, 4, 1)]   // 5:1, then 2.5:1 after one in-plane pool
    [InlineData(50, 5, 5, 4, 2)]   // 10:1, 5:1, then 2.5:1
    [InlineData(100, 2, 2, 4, 3)]  // never below 3 within the depth: every pool in-plane
    [InlineData(40, 4, 4, 2, 1)]   // capped by the number of pools
    public void In_plane_levels_follow_the_anisotropy(double z, double y, double x, int depth, int expected) =>
        Assert.Equal(expected, NetworkPlan.InPlaneLevels(new VoxelSize(z, y, x), depth));

    [Fact]
    public void Cremi_voxels_keep_the_measured_16x128x128_window() =>
        Assert.Equal(new Shape3(16, 128, 128), NetworkPlan.Window(VoxelSize.Cremi, new Shape3(2, 8, 8)));

    [Theory]
    [InlineData(8, 8, 8, 8, 8, 8)]
    [InlineData(30, 6, 6, 2, 8, 8)]
    [InlineData(8, 4, 4, 8, 8, 8)]
    public void Other_voxels_get_a_window_of_similar_physical_sides_near_the_voxel_budget(double rz, double ry, double rx, int mz, int my, int mx)
    {
        var resolution = new VoxelSize(rz, ry, rx);
        var multiple = new Shape3(mz, my, mx);
        var window = NetworkPlan.Window(resolution, multiple);
        Assert.True(window.Z % mz == 0 && window.Y % my == 0 && window.X % mx == 0, window.ToString());
        Assert.InRange(window.Count, NetworkPlan.WindowVoxels * 0.7, NetworkPlan.WindowVoxels * 1.3);
        var (depthNm, sideNm) = (window.Z * rz, window.Y * ry);
        Assert.InRange(depthNm / sideNm, 0.75, 1.33);
    }

    [Fact]
    public void Isotropic_voxels_get_a_cube() =>
        Assert.Equal(new Shape3(64, 64, 64), NetworkPlan.Window(new VoxelSize(8, 8, 8), new Shape3(8, 8, 8)));
}
