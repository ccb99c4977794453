using Cremi.Core.Sampling;
using Cremi.Core.Volumes;

namespace Cremi.Learning.Inference;

/// <summary>[Start, End) along one axis.</summary>
public readonly record struct Span1(int Start, int End)
{
    public int Length => End - Start;
}

/// <summary>A box of voxels, one span per axis (z, y, x).</summary>
public readonly record struct Box3(Span1 Z, Span1 Y, Span1 X)
{
    public Shape3 Shape => new(Z.Length, Y.Length, X.Length);
    public long Count => (long)Z.Length * Y.Length * X.Length;
}

/// <summary>
/// One block of a block-wise run: the <see cref="Core"/> whose scores it owns, the window-start indices on each axis of
/// the global grid whose windows touch that core, and the <see cref="Halo"/> those windows cover (the core plus at most
/// a window's overhang on each side, clipped at the volume).
/// </summary>
public sealed record GridBlock(int Index, Box3 Core, Box3 Halo, Span1 WindowsZ, Span1 WindowsY, Span1 WindowsX)
{
    public long Windows => (long)WindowsZ.Length * WindowsY.Length * WindowsX.Length;
}

/// <summary>
/// Splits a volume into blocks whose scores equal the whole-volume sliding-window run's. With Gaussian blending a
/// voxel's score is the weighted mean over every window that covers it, so a block cannot use a window grid of its
/// own: it predicts exactly the windows of the global grid (<see cref="WindowGrid.Starts"/>) that touch its core, and
/// every voxel of the core then sees the same windows, with the same weights, as in the single run. Core borders lie on
/// window starts of the global grid, so the halo is the union of whole grid windows; cores tile the volume exactly.
/// </summary>
public static class BlockGrid
{
    /// <summary>
    /// Blocks of at most <paramref name="maxCoreVoxels"/> core voxels where the grid allows it (a core is never cut
    /// between two window starts), z slowest. The longest core side (in voxels) is halved first, so blocks stay
    /// compact and halos small.
    /// </summary>
    public static IReadOnlyList<GridBlock> Split(Shape3 volume, Shape3 window, Shape3 stride, long maxCoreVoxels)
    {
        if (maxCoreVoxels < 1) throw new ArgumentOutOfRangeException(nameof(maxCoreVoxels), "a block needs at least one voxel");
        var starts = new[]
        {
            WindowGrid.Starts(volume.Z, window.Z, stride.Z), WindowGrid.Starts(volume.Y, window.Y, stride.Y),
            WindowGrid.Starts(volume.X, window.X, stride.X),
        };
        int[] lengths = [volume.Z, volume.Y, volume.X];
        int[] sides = [window.Z, window.Y, window.X];
        var parts = new[] { 1, 1, 1 };
        var cuts = new Span1[3][];
        for (var axis = 0; axis < 3; axis++) cuts[axis] = Cores(starts[axis], lengths[axis], 1);
        while (cuts.Aggregate(1L, (n, c) => n * c.Max(s => s.Length)) > maxCoreVoxels)
        {
            // The axis whose largest core is longest, among those with window starts left to cut at.
            var axis = Enumerable.Range(0, 3).Where(a => cuts[a].Length < starts[a].Length)
                .OrderByDescending(a => cuts[a].Max(s => s.Length)).DefaultIfEmpty(-1).First();
            if (axis < 0) break; // one window start per block on every axis: as small as the grid allows
            parts[axis] *= 2;
            var finer = Cores(starts[axis], lengths[axis], parts[axis]);
            // Nearest starts may coincide on a coarse grid; then cut at every start (always progress, then done).
            cuts[axis] = finer.Length > cuts[axis].Length ? finer : Between([.. starts[axis], lengths[axis]]);
        }

        var blocks = new List<GridBlock>();
        foreach (var z in cuts[0])
        foreach (var y in cuts[1])
        foreach (var x in cuts[2])
        {
            var (wz, hz) = Touching(starts[0], sides[0], lengths[0], z);
            var (wy, hy) = Touching(starts[1], sides[1], lengths[1], y);
            var (wx, hx) = Touching(starts[2], sides[2], lengths[2], x);
            blocks.Add(new GridBlock(blocks.Count, new Box3(z, y, x), new Box3(hz, hy, hx), wz, wy, wx));
        }
        return blocks;
    }

    /// <summary>
    /// At most <paramref name="parts"/> cores along an axis, cut at the window starts nearest to even divisions of the
    /// length (the last window start sits a window before the end, so cutting the list of starts evenly would leave
    /// the last core a window longer than the others).
    /// </summary>
    private static Span1[] Cores(int[] starts, int length, int parts)
    {
        var cuts = new List<int> { 0 };
        for (var i = 1; i < parts; i++)
        {
            var target = (double)i * length / parts;
            var cut = starts.Where(s => s > cuts[^1]).OrderBy(s => Math.Abs(s - target)).DefaultIfEmpty(-1).First();
            if (cut > 0) cuts.Add(cut);
        }
        cuts.Add(length);
        return Between(cuts);
    }

    /// <summary>Consecutive spans between increasing cut positions (the first 0, the last the length).</summary>
    private static Span1[] Between(IReadOnlyList<int> cuts) => cuts.Zip(cuts.Skip(1), (a, b) => new Span1(a, b)).ToArray();

    /// <summary>Indices of the window starts whose windows overlap <paramref name="core"/>, and what they cover.</summary>
    private static (Span1 Windows, Span1 Halo) Touching(int[] starts, int side, int length, Span1 core)
    {
        var first = Array.FindIndex(starts, s => s + side > core.Start);
        var last = Array.FindLastIndex(starts, s => s < core.End);
        return (new Span1(first, last + 1), new Span1(starts[first], Math.Min(length, starts[last] + side)));
    }
}
