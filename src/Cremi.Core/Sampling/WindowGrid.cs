using Cremi.Core.Volumes;

namespace Cremi.Core.Sampling;

/// <summary>
/// Regular grids of windows that cover a whole volume. Steps are spread evenly so the last window ends exactly at
/// the far border (nnU-Net's compute_steps_for_sliding_window): no voxel is left out, unlike the seed tool, which
/// skipped partial windows. An axis shorter than the window gets one window at 0, filled by reflection.
/// </summary>
public static class WindowGrid
{
    /// <summary>Window starts along one axis of <paramref name="length"/> voxels for a target stride.</summary>
    public static int[] Starts(int length, int window, int stride)
    {
        if (length <= 0 || window <= 0 || stride <= 0)
            throw new ArgumentOutOfRangeException(nameof(length), "length, window and stride must be positive");
        if (length <= window) return [0];
        var count = (int)Math.Ceiling((double)(length - window) / stride) + 1;
        var actual = (double)(length - window) / (count - 1);
        var starts = new int[count];
        for (var i = 0; i < count; i++) starts[i] = (int)Math.Round(actual * i);
        return starts;
    }

    /// <summary>All windows, z slowest, for a target stride per axis.</summary>
    public static IReadOnlyList<Window> Cover(Shape3 volume, Shape3 window, Shape3 stride)
    {
        var zs = Starts(volume.Z, window.Z, stride.Z);
        var ys = Starts(volume.Y, window.Y, stride.Y);
        var xs = Starts(volume.X, window.X, stride.X);
        var result = new List<Window>(zs.Length * ys.Length * xs.Length);
        foreach (var z in zs) foreach (var y in ys) foreach (var x in xs) result.Add(new Window(z, y, x, window));
        return result;
    }

    /// <summary>Windows on a stride without overlap adjustment: only windows that fit entirely (the seed's tiling).</summary>
    public static IReadOnlyList<Window> FullTilesOnly(Shape3 volume, Shape3 window, Shape3 stride)
    {
        var result = new List<Window>();
        for (var z = 0; z + window.Z <= volume.Z; z += stride.Z)
        for (var y = 0; y + window.Y <= volume.Y; y += stride.Y)
        for (var x = 0; x + window.X <= volume.X; x += stride.X)
            result.Add(new Window(z, y, x, window));
        return result;
    }
}
