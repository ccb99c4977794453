using Cremi.Core.Postprocessing;
using Cremi.Core.Volumes;
using Cremi.Hdf5;
using Cremi.Learning.Inference;

namespace Cremi.Worker.Workflows;

/// <summary>
/// Stage 2 of a mask, shared by the single run and the block-wise assembly so both give the same ids: connected
/// components need the whole volume, so they are found over all uint8 scores at once, as runs along x
/// (<see cref="CleftLabelling.Find"/>: no mask, no label volume), and their uint64 ids written a slab at a time from
/// one reused buffer.
/// </summary>
public static class CleftIdWriter
{
    /// <summary>Sections of ids written at once: one chunk row of the default chunking, so the buffer is no larger
    /// than what the writer holds anyway.</summary>
    public const int WriteSlab = 8;

    public static ComponentRuns Write(CremiStreamWriter writer, Volume<byte> scores, CleftLabelling labelling)
    {
        var shape = scores.Shape;
        var clefts = labelling.Find(scores);
        // The writer copies each slab into its chunk cache before returning, so one buffer serves every slab.
        var slab = new ulong[Math.Min(WriteSlab, shape.Z) * shape.SectionSize];
        for (var z0 = 0; z0 < shape.Z; z0 += WriteSlab)
        {
            var ids = slab.AsMemory(0, Math.Min(WriteSlab, shape.Z - z0) * shape.SectionSize);
            clefts.WriteSections(z0, ids.Span);
            writer.WriteClefts(z0, ids);
        }
        return clefts;
    }
}
