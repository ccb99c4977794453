using Cremi.Core.Volumes;
using Cremi.Hdf5;

namespace Cremi.Worker.Commands;

/// <summary>Picks a section worth looking at: the one with the most cleft voxels, else the middle one.</summary>
internal static class SectionChooser
{
    /// <summary>Reads the labels slab by slab, so a whole uint64 volume is never held.</summary>
    public static int MostClefts(CremiFile file)
    {
        var best = (Z: file.Shape.Z / 2, Count: 0L);
        if (!file.HasClefts) return best.Z;
        foreach (var (z0, slab) in file.ReadCleftSlabs(8)) Update(slab, z0, ref best);
        return best.Z;
    }

    /// <summary>For labels already in memory.</summary>
    public static int MostClefts(Volume<ulong> labels)
    {
        var best = (Z: labels.Shape.Z / 2, Count: 0L);
        Update(labels, 0, ref best);
        return best.Z;
    }

    private static void Update(Volume<ulong> slab, int z0, ref (int Z, long Count) best)
    {
        for (var z = 0; z < slab.Shape.Z; z++)
        {
            long count = 0;
            foreach (var v in slab.Section(z)) if (CleftLabel.IsCleft(v)) count++;
            if (count > best.Count) best = (z0 + z, count);
        }
    }
}
