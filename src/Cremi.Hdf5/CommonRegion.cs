using Cremi.Core.Volumes;

namespace Cremi.Hdf5;

/// <summary>One volume of a file as stored: its dataset path, shape and `offset` attribute (nm; null when absent).</summary>
internal readonly record struct StoredVolume(string Name, Shape3 Shape, Offset3? Offset);

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
internal sealed record CommonRegion(Shape3 Shape, Offset3 Offset, IReadOnlyDictionary<string, Shape3> Starts)
{
    /// <summary>How far (in voxels) a dataset's stored volume starts before the region: the voxel read first.</summary>
    public Shape3 StartOf(string name) => Starts.TryGetValue(name, out var start) ? start : default;

    /// <summary>True when at least one dataset is read from a voxel other than its first.</summary>
    public bool IsCropped => Starts.Values.Any(s => s != default);

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
            return new CommonRegion(first.Shape, fileOffset, volumes.ToDictionary(v => v.Name, _ => default(Shape3)));

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

        var starts = boxes.ToDictionary(
            b => b.Volume.Name,
            b => new Shape3((int)(lo[0] - b.Start[0]), (int)(lo[1] - b.Start[1]), (int)(lo[2] - b.Start[2])));
        var shape = new Shape3((int)(hi[0] - lo[0]), (int)(hi[1] - lo[1]), (int)(hi[2] - lo[2]));
        var offset = new Offset3(lo[0] * resolution.Z, lo[1] * resolution.Y, lo[2] * resolution.X);
        return new CommonRegion(shape, offset, starts);
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
