using Cremi.Core.Volumes;
using PureHDF;
using PureHDF.Selections;
using PureHDF.VOL.Native;

namespace Cremi.Hdf5;

/// <summary>
/// Reads a (z, y, x) block of a rank-3 dataset straight into a flat C-order array with a hyperslab selection, so
/// PureHDF decodes only the chunks the block touches and nothing is copied twice.
/// </summary>
internal static class H5BlockReader
{
    /// <summary>Reads values stored exactly as T (the caller has checked the stored type's size).</summary>
    public static T[] Read<T>(IH5Dataset dataset, Shape3 full, int z0, int y0, int x0, Shape3 block) where T : unmanaged
    {
        var result = new T[block.Count];
        ReadInto(dataset, result.AsSpan(), full, z0, y0, x0, block);
        return result;
    }

    /// <summary>
    /// Reads any 1-, 2-, 4- or 8-byte integer dataset (or an enum of one, such as h5py's bool) as uint64 labels.
    /// Signed values are converted bit for bit after sign extension, so the -1 and -2 that some tools write land on
    /// CREMI's background and ignore ids. Unsigned 16- and 32-bit labels map their all-ones value and the one below it
    /// to background and ignore as well: that is what CREMI's uint64 labels become when a tool narrows them
    /// (`astype(np.uint32)`), and read as ids they would make the whole background one cleft. uint8 keeps 255 as an
    /// id: binary masks saved as images mark the foreground with it.
    /// </summary>
    public static ulong[] ReadLabels(IH5Dataset dataset, Shape3 full, int z0, int y0, int x0, Shape3 block)
    {
        var type = H5TypeNames.IntegerStorage(dataset.Type)
            ?? throw new NotSupportedException($"labels of type {H5TypeNames.Of(dataset.Type)}");
        var signed = type.FixedPoint.IsSigned;
        switch (type.Size)
        {
            case 8:
                // int64 and uint64 share the bits; reading as ulong is exactly the unchecked conversion.
                return Read<ulong>(dataset, full, z0, y0, x0, block);
            case 4 when signed:
                return Widen(Read<int>(dataset, full, z0, y0, x0, block), v => unchecked((ulong)(long)v));
            case 4:
                return Widen(Read<uint>(dataset, full, z0, y0, x0, block), v => Narrowed(v, uint.MaxValue));
            case 2 when signed:
                return Widen(Read<short>(dataset, full, z0, y0, x0, block), v => unchecked((ulong)(long)v));
            case 2:
                return Widen(Read<ushort>(dataset, full, z0, y0, x0, block), v => Narrowed(v, ushort.MaxValue));
            case 1 when signed:
                return Widen(Read<sbyte>(dataset, full, z0, y0, x0, block), v => unchecked((ulong)(long)v));
            case 1:
                return Widen(Read<byte>(dataset, full, z0, y0, x0, block), v => v);
            default:
                throw new NotSupportedException($"integer size {type.Size} bytes");
        }
    }

    private static ulong Narrowed(ulong value, ulong allOnes) =>
        value == allOnes ? CleftLabel.Background : value == allOnes - 1 ? CleftLabel.Ignore : value;

    /// <summary>
    /// Which axes of a dataset are z, y and x: all three of a rank-3 one; for a rank-4 or rank-5 one, what is left
    /// after dropping size-1 axes from the front, then from the back (ilastik exports grey images as z,y,x,c with one
    /// channel, other tools as c,z,y,x or t,z,y,x,c). Null when that leaves more or fewer than three.
    /// </summary>
    public static int[]? SpatialAxes(IReadOnlyList<ulong> dims)
    {
        if (dims.Count == 3) return [0, 1, 2];
        if (dims.Count is < 3 or > 5) return null;
        int start = 0, end = dims.Count;
        while (end - start > 3 && dims[start] == 1) start++;
        while (end - start > 3 && dims[end - 1] == 1) end--;
        return end - start == 3 ? [start, start + 1, start + 2] : null;
    }

    private static void ReadInto<T>(IH5Dataset dataset, Span<T> destination, Shape3 full, int z0, int y0, int x0, Shape3 block)
        where T : unmanaged
    {
        // The Span overload exists only on NativeDataset (Span<T> cannot be a generic argument of the interface).
        var native = (NativeDataset)dataset;
        var dims = dataset.Space.Dimensions;
        var whole = z0 == 0 && y0 == 0 && x0 == 0 && block == full;
        HyperslabSelection? selection = null;
        if (!whole || dims.Length != 3)
        {
            // Singleton axes (a channel, a time point) are selected whole: index 0, count 1.
            var axes = SpatialAxes(dims) ?? throw new NotSupportedException($"dataset of shape {string.Join('x', dims)}");
            var starts = new ulong[dims.Length];
            var counts = Enumerable.Repeat(1UL, dims.Length).ToArray();
            (starts[axes[0]], starts[axes[1]], starts[axes[2]]) = ((ulong)z0, (ulong)y0, (ulong)x0);
            (counts[axes[0]], counts[axes[1]], counts[axes[2]]) = ((ulong)block.Z, (ulong)block.Y, (ulong)block.X);
            selection = new HyperslabSelection(dims.Length, starts, counts);
        }
        native.Read(AccessFor(dataset, block), destination, fileSelection: selection, memoryDims: [(ulong)destination.Length]);
    }

    /// <summary>
    /// PureHDF walks a selection row by row (x fastest) and keeps decoded chunks in a 1 MiB cache by default. A row of
    /// a CREMI section crosses 10 chunks of 128 KiB (uint8) or 1 MiB (uint64), so the default cache thrashed and
    /// decompressed every chunk again for each of its rows: a whole uint8 read took many minutes instead of seconds.
    /// The cache therefore holds every chunk one z-row of the block touches, which is all the reuse there is.
    /// </summary>
    private static H5DatasetAccess AccessFor(IH5Dataset dataset, Shape3 block)
    {
        if (dataset.Layout.Class != H5DataLayoutClass.Chunked) return default;
        var all = dataset.Layout.Chunks;
        if (all.Length != dataset.Space.Dimensions.Length || SpatialAxes(dataset.Space.Dimensions) is not { } axes) return default;
        var chunks = axes.Select(a => all[a]).ToArray();
        if (chunks.Any(c => c == 0)) return default;
        // +1: a block that does not start on a chunk boundary touches one more chunk per axis.
        var perRow = (Math.Min((ulong)block.Y, chunks[1] * 1024) / chunks[1] + 1) * (Math.Min((ulong)block.X, chunks[2] * 1024) / chunks[2] + 1);
        var chunkBytes = all.Aggregate(1UL, (product, c) => product * c) * (ulong)dataset.Type.Size;
        var slots = (int)Math.Min(perRow, 1UL << 20);
        return new H5DatasetAccess(ChunkCache: new SimpleReadingChunkCache(chunkSlotCount: slots + 1, byteCount: (ulong)(slots + 1) * chunkBytes));
    }

    private static ulong[] Widen<T>(T[] values, Func<T, ulong> convert)
    {
        var result = new ulong[values.Length];
        for (var i = 0; i < values.Length; i++) result[i] = convert(values[i]);
        return result;
    }
}
