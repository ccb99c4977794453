using Cremi.Core.Volumes;

namespace Cremi.Hdf5;

/// <summary>Storage choices for files we write. The defaults suit CREMI-sized volumes; tests use small chunks.</summary>
public sealed record CremiWriteOptions
{
    public static CremiWriteOptions Default { get; } = new();

    /// <summary>
    /// Chunk shape (z, y, x), clipped to the volume. 8 sections by 128x128 pixels: a training window (e.g.
    /// 32x64x64) or a Neuroglancer request (64x64 px, a few sections) decodes little beyond what it needs, while a
    /// CREMI sample (125x1250x1250) still has only 16x10x10 = 1600 chunks, so the chunk index stays tiny and deflate
    /// sees 128 KiB (uint8) to 1 MiB (uint64) at a time. Eight sections deep because volumes are written slab by slab
    /// along z: the streaming writer holds one chunk row (8 full sections) per dataset in memory, no more.
    /// </summary>
    public Shape3 Chunks { get; init; } = new(8, 128, 128);

    /// <summary>
    /// Deflate (gzip) level: 0 stores chunks uncompressed; PureHDF 2.2 supports only 1, 6 and 9 otherwise.
    /// 1 by default: EM images hardly compress better at higher levels, and labels (mostly one value) compress to
    /// almost nothing at any level, so the fastest level costs little space and saves much time.
    /// </summary>
    public int DeflateLevel { get; init; } = 1;

    internal Shape3 ChunksFor(Shape3 shape) =>
        new(Math.Min(Chunks.Z, shape.Z), Math.Min(Chunks.Y, shape.Y), Math.Min(Chunks.X, shape.X));

    internal void Validate()
    {
        if (Chunks.IsEmpty) throw new ArgumentException($"chunk shape {Chunks} is empty", nameof(Chunks));
        if (Chunks.Count * sizeof(ulong) > int.MaxValue)
            throw new ArgumentException($"chunk shape {Chunks} is too large", nameof(Chunks));
        if (DeflateLevel is not (0 or 1 or 6 or 9))
            throw new ArgumentOutOfRangeException(nameof(DeflateLevel), DeflateLevel, "deflate level must be 0, 1, 6 or 9 (PureHDF 2.2)");
    }
}
