using Cremi.Core.Sampling;
using Cremi.Core.Volumes;
using Cremi.Learning.Inference;

namespace Cremi.Worker.Tests.Blocks;

/// <summary>The split geometry of block-wise jobs, checked against brute force over the global window grid.</summary>
public sealed class BlockGridTests
{
    private static readonly Shape3 Window = new(8, 32, 32);
    private static readonly Shape3 Stride = new(4, 16, 16);

    public static TheoryData<int, int, int, long> Volumes => new()
    {
        { 24, 64, 64, 24 * 64 * 64 / 8 },
        { 16, 128, 128, 16 * 128 * 128 / 8 },
        { 13, 100, 77, 5000 }, // uneven grids (starts not on the stride), cores at the grid's limit
        { 6, 20, 40, 100 },    // thinner than the window on z and y: one start there, reflection in the single run
    };

    [Theory, MemberData(nameof(Volumes))]
    public void Cores_tile_the_volume_exactly_once(int z, int y, int x, long limit)
    {
        var volume = new Shape3(z, y, x);
        var seen = new int[volume.Count];
        foreach (var b in BlockGrid.Split(volume, Window, Stride, limit))
            for (var k = b.Core.Z.Start; k < b.Core.Z.End; k++)
            for (var j = b.Core.Y.Start; j < b.Core.Y.End; j++)
            for (var i = b.Core.X.Start; i < b.Core.X.End; i++)
                seen[((long)k * y + j) * x + i]++;
        Assert.All(seen, n => Assert.Equal(1, n));
    }

    [Theory, MemberData(nameof(Volumes))]
    public void Each_block_predicts_exactly_the_global_windows_that_touch_its_core_and_its_halo_is_their_union(int z, int y, int x, long limit)
    {
        var volume = new Shape3(z, y, x);
        var zs = WindowGrid.Starts(z, Window.Z, Stride.Z);
        var ys = WindowGrid.Starts(y, Window.Y, Stride.Y);
        var xs = WindowGrid.Starts(x, Window.X, Stride.X);
        foreach (var b in BlockGrid.Split(volume, Window, Stride, limit))
        {
            var touching = WindowGrid.Cover(volume, Window, Stride).Where(w => Overlaps(w, b.Core)).ToList();
            var predicted = new List<Window>();
            for (var k = b.WindowsZ.Start; k < b.WindowsZ.End; k++)
            for (var j = b.WindowsY.Start; j < b.WindowsY.End; j++)
            for (var i = b.WindowsX.Start; i < b.WindowsX.End; i++)
                predicted.Add(new Window(zs[k], ys[j], xs[i], Window));
            Assert.Equal(touching, predicted); // same windows, same (z, y, x) order as the single run
            Assert.Equal(touching.Min(w => w.Z), b.Halo.Z.Start);
            Assert.Equal(touching.Max(w => Math.Min(z, w.Z + Window.Z)), b.Halo.Z.End);
            Assert.Equal(touching.Min(w => w.Y), b.Halo.Y.Start);
            Assert.Equal(touching.Max(w => Math.Min(y, w.Y + Window.Y)), b.Halo.Y.End);
            Assert.Equal(touching.Min(w => w.X), b.Halo.X.Start);
            Assert.Equal(touching.Max(w => Math.Min(x, w.X + Window.X)), b.Halo.X.End);
            // Core borders lie on the global grid's window starts (or the volume's ends).
            Assert.Contains(b.Core.Z.Start, zs);
            Assert.Contains(b.Core.Y.Start, ys);
            Assert.Contains(b.Core.X.Start, xs);
        }
    }

    [Fact]
    public void Cores_stay_within_the_limit_and_a_large_volume_gives_at_least_eight_compact_blocks()
    {
        var volume = new Shape3(16, 128, 128);
        var blocks = BlockGrid.Split(volume, Window, Stride, volume.Count / 8);
        Assert.Equal(8, blocks.Count);
        Assert.All(blocks, b => Assert.InRange(b.Core.Count, 1, volume.Count / 8));
        // Halos reach at most one window less a voxel past the core on each side.
        Assert.All(blocks, b => Assert.InRange(b.Halo.Y.Length, b.Core.Y.Length, b.Core.Y.Length + 2 * (Window.Y - 1)));
        Assert.Single(BlockGrid.Split(volume, Window, Stride, volume.Count));
        // A limit below what the grid can cut to gives one window start per block on every axis.
        Assert.Equal(3 * 7 * 7, BlockGrid.Split(volume, Window, Stride, 1).Count);
    }

    private static bool Overlaps(Window w, Box3 core) =>
        w.Z < core.Z.End && w.Z + w.Shape.Z > core.Z.Start && w.Y < core.Y.End && w.Y + w.Shape.Y > core.Y.Start
        && w.X < core.X.End && w.X + w.Shape.X > core.X.Start;
}
