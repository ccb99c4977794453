using Cremi.Core.Volumes;
using Cremi.Hdf5;

namespace Cremi.Worker.Commands;

/// <summary>Picks a section worth looking at: the one with the most cleft voxels, read slab by slab.</summary>
internal static class SectionChooser
{
    public static int MostClefts(CremiFile file)
    {
        if (!file.HasClefts) return file.Shape.Z / 2;
        var (best, bestCount) = (file.Shape.Z / 2, 0L);
        foreach (var (z0, slab) in file.ReadCleftSlabs(8))
            for (var z = 0; z < slab.Shape.Z; z++)
            {
                long count = 0;
                foreach (var v in slab.Section(z)) if (CleftLabel.IsCleft(v)) count++;
                if (count > bestCount) (best, bestCount) = (z0 + z, count);
            }
        return best;
    }
}
