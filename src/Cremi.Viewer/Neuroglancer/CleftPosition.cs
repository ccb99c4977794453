using Cremi.Core.Volumes;
using Cremi.Hdf5;

namespace Cremi.Viewer.Neuroglancer;

/// <summary>A voxel (z, y, x) the viewer is centred on, and whether it lies on a cleft.</summary>
public readonly record struct CleftPosition(int Z, int Y, int X, bool OnCleft)
{
    /// <summary>Sections read at a time: the z extent of the chunks we write, so each chunk is decoded once.</summary>
    private const int SlabDepth = 8;

    public static CleftPosition Middle(Shape3 shape) => new(shape.Z / 2, shape.Y / 2, shape.X / 2, false);

    /// <summary>
    /// A point on a cleft near the middle of the volume: slabs are read from the middle outwards and the first one
    /// with clefts decides (a whole CREMI sample's labels are 1.5 GB; its middle slab has clefts and costs a
    /// sixteenth). In its section with the most cleft voxels, the cleft voxel nearest to their mean is taken, a
    /// point on a real cleft where a mean alone could fall between two.
    /// </summary>
    public static CleftPosition Find(CremiFile file)
    {
        var shape = file.Shape;
        var slabs = (shape.Z + SlabDepth - 1) / SlabDepth;
        var middle = shape.Z / 2 / SlabDepth;
        for (var step = 0; step < 2 * slabs; step++)
        {
            // middle, middle+1, middle-1, middle+2, ...
            var slab = middle + (step % 2 == 0 ? step / 2 : -(step / 2 + 1));
            if (slab < 0 || slab >= slabs) continue;
            var z0 = slab * SlabDepth;
            var labels = file.ReadClefts(z0, 0, 0, new Shape3(Math.Min(SlabDepth, shape.Z - z0), shape.Y, shape.X));
            if (InSlab(labels) is { } found) return found with { Z = z0 + found.Z };
        }
        return Middle(shape);
    }

    private static CleftPosition? InSlab(Volume<ulong> slab)
    {
        var (bestZ, bestCount, sumY, sumX) = (-1, 0L, 0.0, 0.0);
        var width = slab.Shape.X;
        for (var z = 0; z < slab.Shape.Z; z++)
        {
            var section = slab.Section(z);
            var (count, y, x) = (0L, 0.0, 0.0);
            for (var i = 0; i < section.Length; i++)
                if (CleftLabel.IsCleft(section[i]))
                    (count, y, x) = (count + 1, y + i / width, x + i % width);
            if (count > bestCount) (bestZ, bestCount, sumY, sumX) = (z, count, y, x);
        }
        if (bestZ < 0) return null;

        var (meanY, meanX) = (sumY / bestCount, sumX / bestCount);
        var best = slab.Section(bestZ);
        var (nearest, nearestDistance) = (0, double.MaxValue);
        for (var i = 0; i < best.Length; i++)
        {
            if (!CleftLabel.IsCleft(best[i])) continue;
            double dy = i / width - meanY, dx = i % width - meanX;
            if (dy * dy + dx * dx < nearestDistance) (nearest, nearestDistance) = (i, dy * dy + dx * dx);
        }
        return new CleftPosition(bestZ, nearest / width, nearest % width, true);
    }
}
