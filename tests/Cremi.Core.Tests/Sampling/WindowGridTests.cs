using Cremi.Core.Sampling;
using Cremi.Core.Volumes;

namespace Cremi.Core.Tests.Sampling;

public sealed class WindowGridTests
{
    [Fact]
    public void Starts_are_spread_so_the_last_window_ends_at_the_border()
    {
        // nnU-Net: length 1250, window 64, stride 32 -> ceil(1186/32)+1 = 39 steps of 1186/38.
        var starts = WindowGrid.Starts(1250, 64, 32);
        Assert.Equal(39, starts.Length);
        Assert.Equal(0, starts[0]);
        Assert.Equal(1250 - 64, starts[^1]);
        Assert.All(starts.Zip(starts.Skip(1)), p => Assert.InRange(p.Second - p.First, 31, 32));
    }

    [Fact]
    public void The_grid_covers_every_voxel_of_the_volume()
    {
        var volume = new Shape3(13, 50, 37);
        var covered = new bool[volume.Count];
        foreach (var w in WindowGrid.Cover(volume, new Shape3(8, 16, 16), new Shape3(4, 8, 8)))
            for (var z = w.Z; z < Math.Min(w.Z + 8, volume.Z); z++)
            for (var y = w.Y; y < w.Y + 16; y++)
            for (var x = w.X; x < w.X + 16; x++)
                covered[volume.Index(z, y, x)] = true;
        Assert.All(covered, Assert.True);
    }

    [Fact]
    public void An_axis_shorter_than_the_window_gets_a_single_window()
    {
        Assert.Equal([0], WindowGrid.Starts(5, 32, 16));
    }

    [Fact]
    public void Full_tiles_only_skips_partial_windows_like_the_seed_tool()
    {
        // 125x1250x1250 in 32x64x64 tiles: 3 x 19 x 19 full tiles; 27% of the sample stays uncovered.
        var tiles = WindowGrid.FullTilesOnly(new Shape3(125, 1250, 1250), new Shape3(32, 64, 64), new Shape3(32, 64, 64));
        Assert.Equal(3 * 19 * 19, tiles.Count);
        var coveredFraction = tiles.Count * 32.0 * 64 * 64 / (125.0 * 1250 * 1250);
        Assert.InRange(1 - coveredFraction, 0.26, 0.28);
    }
}
