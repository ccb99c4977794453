using System.Buffers.Binary;

namespace Cremi.Hdf5;

/// <summary>
/// Cheap checks before PureHDF sees a file, so that the common user mistakes get a precise message:
/// a missing file, a directory, something that is not HDF5 at all, and a file cut short by an interrupted copy.
/// PureHDF would report these as "not a valid HDF5 file" or, worse, read past the end and fail much later while
/// decoding a chunk.
/// </summary>
internal static class Hdf5FileProbe
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A];

    public static void Check(string path)
    {
        if (Directory.Exists(path)) throw new CremiFileException(path, "is a directory, not an HDF5 file");
        if (!File.Exists(path)) throw new CremiFileException(path, "file does not exist");

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096);
            var length = stream.Length;
            if (length == 0) throw new CremiFileException(path, "file is empty");

            // The superblock sits at 0, or after a user block at 512, 1024, 2048, ... (HDF5 spec, "Superblock").
            var header = new byte[64];
            for (long at = 0; at < length; at = at == 0 ? 512 : at * 2)
            {
                stream.Position = at;
                var read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
                if (read < Signature.Length || !header.AsSpan(0, Signature.Length).SequenceEqual(Signature)) continue;
                CheckEndOfFile(path, header.AsSpan(0, read), at, length);
                return;
            }
            throw new CremiFileException(path, "not an HDF5 file");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CremiFileException(path, $"cannot be read ({CremiFileException.Describe(e)})", e);
        }
    }

    /// <summary>
    /// The superblock records the end-of-file address, "used to determine whether a file has been accidentally
    /// truncated" (HDF5 spec). A shorter file is truncated; we compare without the base address, which can only make
    /// the check more lenient.
    /// </summary>
    private static void CheckEndOfFile(string path, ReadOnlySpan<byte> superblock, long at, long length)
    {
        if (superblock.Length < 16) throw Truncated(path, $"it ends inside the superblock at byte {at + superblock.Length}");
        var version = superblock[8];
        int offsetSize, eofPosition;
        switch (version)
        {
            case 0 or 1:
                offsetSize = superblock[13];
                // v0: 24 bytes of fixed fields, v1 adds 4 (indexed storage K and a reserved word); then base
                // address, free-space address, end-of-file address.
                eofPosition = (version == 0 ? 24 : 28) + 2 * offsetSize;
                break;
            case 2 or 3:
                offsetSize = superblock[9];
                // signature, version, two sizes, flags, then base address, extension address, end-of-file address.
                eofPosition = 12 + 2 * offsetSize;
                break;
            default:
                return; // a future version: leave the judgement to PureHDF.
        }
        if (offsetSize is not (2 or 4 or 8)) throw Truncated(path, $"its superblock gives an impossible address size {offsetSize}");
        if (eofPosition + offsetSize > superblock.Length) throw Truncated(path, "it ends inside the superblock");

        var eof = offsetSize switch
        {
            2 => BinaryPrimitives.ReadUInt16LittleEndian(superblock[eofPosition..]),
            4 => BinaryPrimitives.ReadUInt32LittleEndian(superblock[eofPosition..]),
            _ => BinaryPrimitives.ReadUInt64LittleEndian(superblock[eofPosition..]),
        };
        var undefined = offsetSize == 8 ? ulong.MaxValue : (1UL << (8 * offsetSize)) - 1;
        if (eof != undefined && (ulong)length < eof)
            throw Truncated(path, $"it has {length} bytes but its superblock says {eof}");
    }

    private static CremiFileException Truncated(string path, string detail) =>
        new(path, $"file is truncated or damaged ({detail})");
}
