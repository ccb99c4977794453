using Cremi.Core.Synthesis;
using Cremi.Core.Volumes;
using Cremi.Hdf5;
using Cremi.Worker.Cli;

namespace Cremi.Worker.Workflows;

/// <summary>
/// Renders a synthetic volume slab by slab straight into a CREMI file, so memory stays that of one slab and the
/// world model, whatever the volume's size. The file appears under its name only when complete.
/// </summary>
public static class SyntheticFile
{
    /// <summary>Sections rendered and written at a time: the z-extent of the output chunks.</summary>
    private const int SlabDepth = 8;

    public static SyntheticEmVolume Write(string path, SyntheticEmOptions options, Action<int>? sectionsDone = null,
        CancellationToken cancellationToken = default)
    {
        var volume = new SyntheticEmVolume(options);
        var shape = options.Shape;
        var provenance = Provenance.For("synth", new Dictionary<string, string>
        {
            ["generator"] = nameof(SyntheticEmVolume),
            ["seed"] = options.Seed.ToString(),
            ["shape_zyx"] = shape.ToArgument(),
            ["synapses"] = volume.Synapses.Count.ToString(),
        });
        using var writer = CremiStreamWriter.Create(path, shape, options.Resolution, Offset3.Zero, provenance,
            CremiDatasets.Raw | CremiDatasets.Clefts);
        var slabVoxels = SlabDepth * shape.SectionSize;
        var raw = new byte[slabVoxels];
        var clefts = new ulong[slabVoxels];
        for (var z0 = 0; z0 < shape.Z; z0 += SlabDepth)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var depth = Math.Min(SlabDepth, shape.Z - z0);
            var count = depth * shape.SectionSize;
            volume.RenderSlab(z0, depth, raw.AsSpan(0, count), clefts.AsSpan(0, count));
            writer.WriteSlab(z0, raw.AsMemory(0, count), clefts.AsMemory(0, count));
            sectionsDone?.Invoke(z0 + depth);
        }
        writer.Commit();
        return volume;
    }
}
