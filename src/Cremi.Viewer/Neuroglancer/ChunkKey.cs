using System.Globalization;
using Cremi.Core.Volumes;

namespace Cremi.Viewer.Neuroglancer;

/// <summary>
/// A precomputed chunk name, "x0-x1_y0-y1_z0-z1" in voxel coordinates that include the voxel offset, checked
/// against the layer's chunk grid: a chunk must start on the grid and end at the next grid line or the volume's edge
/// (edge chunks are truncated, never padded). Anything else is the client's mistake (400), never a read.
/// </summary>
public readonly record struct ChunkBlock(int Z0, int Y0, int X0, Shape3 Shape);

public static class ChunkKey
{
    public static string Format(ServedLayer layer, ChunkBlock block)
    {
        var o = layer.VoxelOffset;
        return string.Create(CultureInfo.InvariantCulture,
            $"{o.X + block.X0}-{o.X + block.X0 + block.Shape.X}_{o.Y + block.Y0}-{o.Y + block.Y0 + block.Shape.Y}_{o.Z + block.Z0}-{o.Z + block.Z0 + block.Shape.Z}");
    }

    /// <summary>The block named by <paramref name="key"/>, or null with the reason it is not a chunk of the layer.</summary>
    public static ChunkBlock? TryParse(ServedLayer layer, string key, out string problem)
    {
        var axes = key.Split('_');
        if (axes.Length != 3)
        {
            problem = $"'{Shorten(key)}' is not a chunk name x0-x1_y0-y1_z0-z1";
            return null;
        }
        var o = layer.VoxelOffset;
        var (shape, chunk) = (layer.Shape, layer.ChunkShape);
        if (Axis(axes[0], o.X, shape.X, chunk.X, "x", out var x0, out var nx, out problem)
            && Axis(axes[1], o.Y, shape.Y, chunk.Y, "y", out var y0, out var ny, out problem)
            && Axis(axes[2], o.Z, shape.Z, chunk.Z, "z", out var z0, out var nz, out problem))
            return new ChunkBlock(z0, y0, x0, new Shape3(nz, ny, nx));
        return null;
    }

    private static bool Axis(string text, long offset, int size, int chunk, string name, out int start, out int length,
        out string problem)
    {
        (start, length, problem) = (0, 0, "");
        var dash = text.IndexOf('-');
        if (dash <= 0 || !long.TryParse(text.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var a)
            || !long.TryParse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var b))
        {
            problem = $"{name} range '{Shorten(text)}' is not two non-negative integers a-b";
            return false;
        }
        var (begin, end) = (a - offset, b - offset);
        if (begin < 0 || begin >= size || begin % chunk != 0)
        {
            problem = $"{name} range {a}-{b} does not start on the chunk grid ({chunk} voxels from {offset}) inside the volume";
            return false;
        }
        if (end != Math.Min(begin + chunk, size))
        {
            problem = $"{name} range {a}-{b} must end at {offset + Math.Min(begin + chunk, size)}";
            return false;
        }
        (start, length) = ((int)begin, (int)(end - begin));
        return true;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
