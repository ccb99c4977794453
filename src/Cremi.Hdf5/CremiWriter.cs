using Cremi.Core.Volumes;

namespace Cremi.Hdf5;

/// <summary>
/// Writes in-memory volumes as a CREMI file, atomically: the file appears under its name complete or not at all.
/// Layout: `volumes/raw` uint8, `volumes/labels/clefts` uint64, `volumes/predictions/clefts` uint8, each chunked,
/// deflate-compressed and carrying `resolution` and `offset` (float64[3], z,y,x nm), as in the CREMI challenge files.
/// </summary>
public static class CremiWriter
{
    public static void Write(string path, CremiContent content, CremiWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        options ??= CremiWriteOptions.Default;
        options.Validate();
        var (shape, resolution, offset) = Geometry(content);

        // The same code path as streaming, one chunk row at a time: memory stays at the volumes plus one row of
        // uncompressed chunks, instead of a second full copy in PureHDF's cache.
        using var writer = CremiStreamWriter.Create(path, shape, resolution, offset, content.Provenance, content.Datasets, options);
        var step = options.ChunksFor(shape).Z;
        var section = shape.SectionSize;
        for (var z0 = 0; z0 < shape.Z; z0 += step)
        {
            var start = z0 * section;
            var length = Math.Min(step, shape.Z - z0) * section;
            writer.WriteSlab(z0,
                raw: content.Raw?.Data.AsMemory(start, length) ?? default,
                clefts: content.Clefts?.Data.AsMemory(start, length) ?? default,
                predictions: content.Predictions?.Data.AsMemory(start, length) ?? default);
        }
        writer.Commit();
    }

    private static (Shape3 Shape, VoxelSize Resolution, Offset3 Offset) Geometry(CremiContent content)
    {
        var volumes = new List<(string Name, Shape3 Shape, VoxelSize Resolution, Offset3 Offset)>();
        if (content.Raw is { } raw) volumes.Add((nameof(content.Raw), raw.Shape, raw.Resolution, raw.Offset));
        if (content.Clefts is { } clefts) volumes.Add((nameof(content.Clefts), clefts.Shape, clefts.Resolution, clefts.Offset));
        if (content.Predictions is { } predictions) volumes.Add((nameof(content.Predictions), predictions.Shape, predictions.Resolution, predictions.Offset));
        if (volumes.Count == 0) throw new ArgumentException("nothing to write: no raw, clefts or predictions", nameof(content));

        var first = volumes[0];
        foreach (var other in volumes.Skip(1))
        {
            if (other.Shape != first.Shape)
                throw new ArgumentException($"{other.Name} has shape {other.Shape} but {first.Name} has {first.Shape}", nameof(content));
            if (other.Resolution != first.Resolution || other.Offset != first.Offset)
                throw new ArgumentException($"{other.Name} and {first.Name} differ in resolution or offset", nameof(content));
        }
        return (first.Shape, first.Resolution, first.Offset);
    }
}
