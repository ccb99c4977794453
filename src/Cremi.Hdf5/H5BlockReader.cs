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
    /// CREMI's background and ignore ids.
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
                return Widen(Read<uint>(dataset, full, z0, y0, x0, block), v => v);
            case 2 when signed:
                return Widen(Read<short>(dataset, full, z0, y0, x0, block), v => unchecked((ulong)(long)v));
            case 2:
                return Widen(Read<ushort>(dataset, full, z0, y0, x0, block), v => v);
            case 1 when signed:
                return Widen(Read<sbyte>(dataset, full, z0, y0, x0, block), v => unchecked((ulong)(long)v));
            case 1:
                return Widen(Read<byte>(dataset, full, z0, y0, x0, block), v => v);
            default:
                throw new NotSupportedException($"integer size {type.Size} bytes");
        }
    }

    private static void ReadInto<T>(IH5Dataset dataset, Span<T> destination, Shape3 full, int z0, int y0, int x0, Shape3 block)
        where T : unmanaged
    {
        // The Span overload exists only on NativeDataset (Span<T> cannot be a generic argument of the interface).
        var native = (NativeDataset)dataset;
        var whole = z0 == 0 && y0 == 0 && x0 == 0 && block == full;
        var selection = whole
            ? null
            : new HyperslabSelection(3, [(ulong)z0, (ulong)y0, (ulong)x0], [(ulong)block.Z, (ulong)block.Y, (ulong)block.X]);
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
        var chunks = dataset.Layout.Chunks;
        if (chunks.Length != 3 || chunks.Any(c => c == 0)) return default;
        // +1: a block that does not start on a chunk boundary touches one more chunk per axis.
        var perRow = (Math.Min((ulong)block.Y, chunks[1] * 1024) / chunks[1] + 1) * (Math.Min((ulong)block.X, chunks[2] * 1024) / chunks[2] + 1);
        var chunkBytes = chunks[0] * chunks[1] * chunks[2] * (ulong)dataset.Type.Size;
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
