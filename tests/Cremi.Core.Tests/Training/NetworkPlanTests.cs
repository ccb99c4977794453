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

    [Theory]
    [InlineData(10, 10, 160, 160)] // CREMI plan on a 10-section volume: the window tried by hand, planned
    [InlineData(11, 10, 160, 160)] // down to a multiple of the z pooling
    [InlineData(1, 2, 360, 360)]   // one section: the shallowest window the network takes
    [InlineData(16, 16, 128, 128)] // deep enough: unchanged
    [InlineData(125, 16, 128, 128)]
    public void A_thin_training_volume_gets_a_window_as_deep_as_it_with_the_voxels_kept_in_plane(int sections, int z, int y, int x)
    {
        var window = NetworkPlan.Window(VoxelSize.Cremi, new Shape3(2, 8, 8), new Shape3(sections, 512, 512));
        Assert.Equal(new Shape3(z, y, x), window);
        Assert.InRange(window.Count, NetworkPlan.WindowVoxels * 0.9, NetworkPlan.WindowVoxels * 1.1);
    }

    [Theory]
    [InlineData(10, 150, 10, 144, 128)] // grown only as far as the volume reaches, never below the plan
    [InlineData(10, 100, 10, 128, 128)] // smaller than the plan in-plane: padded by reflection as before
    public void In_plane_growth_stops_at_the_volume_s_own_sides(int sections, int side, int z, int y, int x) =>
        Assert.Equal(new Shape3(z, y, x), NetworkPlan.Window(VoxelSize.Cremi, new Shape3(2, 8, 8), new Shape3(sections, side, 128)));

    [Fact]
    public void Fitting_the_depth_keeps_the_pooling_multiples_of_an_isotropic_plan() =>
        Assert.Equal(new Shape3(16, 128, 128), NetworkPlan.Window(new VoxelSize(8, 8, 8), new Shape3(8, 8, 8), new Shape3(20, 256, 256)));
}
