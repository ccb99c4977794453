using Cremi.Core.Volumes;

namespace Cremi.Viewer.Neuroglancer;

/// <summary>What a served volume shows, which decides its precomputed type, data type and viewer layer.</summary>
public enum LayerKind
{
    /// <summary>The EM image (volumes/raw): image layer, uint8.</summary>
    Raw,

    /// <summary>Cleft labels (volumes/labels/clefts or a mask's data): segmentation layer, uint64, 0 = no segment.</summary>
    Clefts,

    /// <summary>The probability map (volumes/predictions/clefts): image layer, uint8, drawn in red.</summary>
    Probability,
}

/// <summary>
/// One volume reachable over HTTP under an opaque <see cref="Name"/>; the file path never appears in a URL, so a
/// request can reach only what was registered at start.
/// </summary>
public sealed record ServedLayer(string Name, string Title, LayerKind Kind, string FilePath, Shape3 Shape,
    VoxelSize Resolution, VoxelOffset VoxelOffset, Shape3 ChunkShape, string Version)
{
    public string DataType => Kind == LayerKind.Clefts ? "uint64" : "uint8";

    public int BytesPerVoxel => Kind == LayerKind.Clefts ? sizeof(ulong) : sizeof(byte);
}

/// <summary>Position of voxel (0,0,0) in voxels, (z, y, x): the CREMI nm offset divided by the resolution.</summary>
public readonly record struct VoxelOffset(long Z, long Y, long X)
{
    public static VoxelOffset Of(Offset3 offsetNm, VoxelSize resolution)
    {
        // Precomputed offsets are whole voxels; an offset that is not (never seen in CREMI files) is dropped rather
        // than rounded, so that raw and labels of one file stay aligned with each other.
        static long? Whole(double nm, double size) =>
            Math.Abs(nm / size - Math.Round(nm / size)) < 1e-6 ? (long)Math.Round(nm / size) : null;
        return Whole(offsetNm.Z, resolution.Z) is { } z && Whole(offsetNm.Y, resolution.Y) is { } y
               && Whole(offsetNm.X, resolution.X) is { } x
            ? new VoxelOffset(z, y, x)
            : default;
    }
}
