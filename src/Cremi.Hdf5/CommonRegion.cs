using Cremi.Core.Volumes;

namespace Cremi.Hdf5;

/// <summary>One volume of a file as stored: its dataset path, shape and `offset` attribute (nm; null when absent).</summary>
internal readonly record struct StoredVolume(string Name, Shape3 Shape, Offset3? Offset);

/// <summary>A dataset's stored shape and its voxel at the region's (0,0,0).</summary>
internal readonly record struct PlacedVolume(Shape3 Stored, Shape3 Start);

/// <summary>
/// The voxels that every volume of a file describes, and where each dataset's first voxel of them lies.
/// </summary>
/// <remarks>
/// CREMI's padded training samples (`sample_A_padded_20160501.hdf`, the files gunpowder, synful and lsd train on) store
/// the raw image larger than the labels, 200×3072×3072 against 125×1250×1250, and place the labels inside it with their
/// own `offset` attribute (1520, 3644, 3644 nm for sample A). Reading both from voxel 0 would pair labels with the wrong
/// tissue, so such a file is read as the region all its volumes share, each dataset from its own starting voxel.
/// Volumes of one shape keep the file-wide offset as before: their per-dataset offsets are not trusted to differ
/// (many tools write the offset on one dataset only).
/// </remarks>
internal sealed record CommonRegion(Shape3 Shape, Offset3 Offset, IReadOnlyDictionary<string, PlacedVolume> Datasets)
{
    /// <summary>The dataset's stored shape and where a block at (z0, y0, x0) of the region starts in it.</summary>
    public (Shape3 Stored, int Z, int Y, int X) Place(string dataset, int z0, int y0, int x0)
    {
        var (stored, start) = Datasets[dataset];
        return (stored, z0 + start.Z, y0 + start.Y, x0 + start.X);
    }

    /// <summary>
    /// What is read where when some dataset is read only in part, e.g. "volumes/raw 200x3072x3072 is read from voxel
    /// (38,911,911) (the 125x1250x1250 that all volumes share)"; null when every dataset is read whole.
    /// </summary>
    public string? Note
    {
        get
        {
            var partial = Datasets.Where(d => d.Value.Start != default || d.Value.Stored != Shape)
                .Select(d => $"{d.Key} {d.Value.Stored} is read from voxel ({d.Value.Start.Z},{d.Value.Start.Y},{d.Value.Start.X})")
                .ToList();
            return partial.Count == 0 ? null : string.Join("; ", partial) + $" (the {Shape} that all volumes share)";
        }
    }

    /// <summary>
    /// The region of <paramref name="volumes"/> (at least one). Same shapes: the whole volume at
    /// <paramref name="fileOffset"/>. Different shapes: the intersection of their boxes in nm, placed by each
    /// dataset's own offset. Throws <see cref="InvalidDataException"/> (worded for the user) when the shapes differ and
    /// no offset places them, an offset is not a whole number of voxels, or the boxes do not overlap.
    /// </summary>
    public static CommonRegion Of(IReadOnlyList<StoredVolume> volumes, VoxelSize resolution, Offset3 fileOffset)
    {
        if (volumes.Count == 0) throw new ArgumentException("no volume", nameof(volumes));
        var first = volumes[0];
        if (volumes.All(v => v.Shape == first.Shape))
            return new CommonRegion(first.Shape, fileOffset, volumes.ToDictionary(v => v.Name, v => new PlacedVolume(v.Shape, default)));

        var odd = volumes.First(v => v.Shape != first.Shape);
        if (volumes.All(v => v.Offset is null))
            throw new InvalidDataException(
                $"'{odd.Name}' has shape {odd.Shape} but '{first.Name}' has {first.Shape}, and no '{CremiPaths.OffsetAttribute}' " +
                "attribute on them says where one lies inside the other");

        var boxes = volumes.Select(v => (Volume: v, Start: StartVoxel(v, resolution))).ToArray();
        var lo = new[] { boxes.Max(b => b.Start[0]), boxes.Max(b => b.Start[1]), boxes.Max(b => b.Start[2]) };
        var hi = new[]
        {
            boxes.Min(b => b.Start[0] + b.Volume.Shape.Z), boxes.Min(b => b.Start[1] + b.Volume.Shape.Y),
            boxes.Min(b => b.Start[2] + b.Volume.Shape.X),
        };
        if (hi[0] <= lo[0] || hi[1] <= lo[1] || hi[2] <= lo[2])
            throw new InvalidDataException(
                "the volumes do not overlap: " + string.Join(", ", volumes.Select(v => Describe(v))));

        var placed = boxes.ToDictionary(
            b => b.Volume.Name,
            b => new PlacedVolume(b.Volume.Shape, new Shape3((int)(lo[0] - b.Start[0]), (int)(lo[1] - b.Start[1]), (int)(lo[2] - b.Start[2]))));
        var shape = new Shape3((int)(hi[0] - lo[0]), (int)(hi[1] - lo[1]), (int)(hi[2] - lo[2]));
        var offset = new Offset3(lo[0] * resolution.Z, lo[1] * resolution.Y, lo[2] * resolution.X);
        return new CommonRegion(shape, offset, placed);
    }

    /// <summary>The dataset's first voxel in whole voxels of the resolution (0 without an offset).</summary>
    private static long[] StartVoxel(StoredVolume volume, VoxelSize resolution)
    {
        var offset = volume.Offset ?? Offset3.Zero;
        return [Whole(offset.Z, resolution.Z, volume, resolution), Whole(offset.Y, resolution.Y, volume, resolution),
            Whole(offset.X, resolution.X, volume, resolution)];
    }

    private static long Whole(double nm, double voxel, StoredVolume volume, VoxelSize resolution)
    {
        var voxels = nm / voxel;
        var rounded = Math.Round(voxels);
        if (Math.Abs(voxels - rounded) > 1e-6 || Math.Abs(rounded) > int.MaxValue)
            throw new InvalidDataException(
                $"'{volume.Name}' has {CremiPaths.OffsetAttribute} {Format(volume.Offset)}, not a whole number of voxels of {resolution}");
        return (long)rounded;
    }

    private static string Describe(StoredVolume v) => $"'{v.Name}' {v.Shape} at {Format(v.Offset)}";

    private static string Format(Offset3? offset) =>
        offset is { } o ? $"({o.Z:G}, {o.Y:G}, {o.X:G}) nm" : "no offset (0, 0, 0)";
}
