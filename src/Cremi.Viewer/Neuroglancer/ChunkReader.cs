using System.Runtime.InteropServices;
using Cremi.Core.Volumes;

namespace Cremi.Viewer.Neuroglancer;

/// <summary>
/// Reads one chunk as the bytes of the precomputed "raw" encoding: the (z, y, x) HDF5 sub-block in C order is
/// exactly precomputed's x-fastest layout, so only the byte order (little-endian) and the cleft background matter.
/// </summary>
internal sealed class ChunkReader(CremiFilePool files)
{
    static ChunkReader()
    {
        // Precomputed raw chunks are little-endian; every platform .NET runs this on is, but say so if not.
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("precomputed chunks need a little-endian host");
    }

    public byte[] Read(ServedLayer layer, ChunkBlock block)
    {
        using var lease = files.Rent(layer.FilePath);
        var file = lease.File;
        switch (layer.Kind)
        {
            case LayerKind.Raw:
                return file.ReadRaw(block.Z0, block.Y0, block.X0, block.Shape).Data;
            case LayerKind.Probability:
                return file.ReadPredictions(block.Z0, block.Y0, block.X0, block.Shape).Data;
            case LayerKind.Clefts:
                var labels = file.ReadClefts(block.Z0, block.Y0, block.X0, block.Shape).Data;
                ToNeuroglancerIds(labels);
                return MemoryMarshal.AsBytes(labels.AsSpan()).ToArray();
            default:
                throw new ArgumentOutOfRangeException(nameof(layer), layer.Kind, "unknown layer kind");
        }
    }

    /// <summary>
    /// Neuroglancer's "no segment" is 0, CREMI's is 0xFFFFFFFFFFFFFFFF (and 0xFFFFFFFFFFFFFFFE = ignore); shown as
    /// they are, the background would be one huge coloured segment covering the image.
    /// </summary>
    internal static void ToNeuroglancerIds(Span<ulong> labels)
    {
        foreach (ref var value in labels)
            if (!CleftLabel.IsCleft(value)) value = 0;
    }
}
