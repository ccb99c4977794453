using Cremi.Core.Volumes;

namespace Cremi.Core.Tests.Volumes;

public sealed class ResolutionMismatchTests
{
    [Theory]
    [InlineData(40, 4, 4)]
    [InlineData(45, 4.4, 3.6)] // within 15 % on every axis
    [InlineData(35, 4.5, 4)]
    public void Resolutions_within_the_tolerance_count_as_the_same(double z, double y, double x) =>
        Assert.Null(ResolutionMismatch.Describe(new VoxelSize(z, y, x), VoxelSize.Cremi));

    [Theory]
    [InlineData(40, 8, 8, "1x, 2x, 2x")]
    [InlineData(8, 4, 4, "0.2x, 1x, 1x")]
    [InlineData(40, 4, 4.8, "1x, 1x, 1.2x")]
    public void Any_axis_beyond_the_tolerance_is_described_with_both_sizes_and_the_scales(double z, double y, double x, string scales)
    {
        var message = ResolutionMismatch.Describe(new VoxelSize(z, y, x), VoxelSize.Cremi);
        Assert.NotNull(message);
        Assert.Contains($"{new VoxelSize(z, y, x)} but the model was trained on 40,4,4 nm", message);
        Assert.Contains($"scale {scales}", message);
    }

    [Fact]
    public void An_invalid_size_gives_no_verdict() =>
        Assert.Null(ResolutionMismatch.Describe(new VoxelSize(0, 4, 4), VoxelSize.Cremi));

    [Fact]
    public void The_in_plane_grid_is_the_data_at_the_models_pixel_size_and_none_within_the_tolerance()
    {
        var shape = new Shape3(125, 1250, 1000);
        Assert.Equal((2500, 2000), ResolutionMismatch.InPlaneGrid(shape, new VoxelSize(40, 8, 8), VoxelSize.Cremi));
        Assert.Equal((625, 500), ResolutionMismatch.InPlaneGrid(shape, new VoxelSize(40, 2, 2), VoxelSize.Cremi));
        Assert.Equal((1875, 1000), ResolutionMismatch.InPlaneGrid(shape, new VoxelSize(40, 6, 4), VoxelSize.Cremi));
        Assert.Null(ResolutionMismatch.InPlaneGrid(shape, new VoxelSize(40, 4.4, 3.7), VoxelSize.Cremi));
        Assert.Null(ResolutionMismatch.InPlaneGrid(shape, new VoxelSize(30, 4, 4), VoxelSize.Cremi)); // z is not resampled
    }
}
