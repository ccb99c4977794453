using System.Buffers.Binary;
using System.IO.Compression;
using K4os.Compression.LZ4;
using PureHDF.Filters;
using ZstdSharp;

namespace Cremi.Hdf5.Filters;

/// <summary>
/// The Blosc filter (id 32001; PyTables, hdf5plugin.Blosc), read-only: each chunk is one Blosc 1 frame (c-blosc's
/// blosc.c): a 16-byte header (format version, codec version, flags, value size, byte counts), the start of each
/// block, and the blocks, each optionally split into one stream per value byte, compressed by BloscLZ, LZ4/LZ4HC,
/// zlib or Zstandard, and byte- or bit-shuffled. Snappy, which c-blosc no longer builds by default, is refused.
/// </summary>
internal sealed class BloscFilter : DecodingFilter
{
    public const ushort Id = 32001;

    private const int HeaderLength = 16;
    private const byte DoShuffle = 0x1, MemoryCopied = 0x2, DoBitShuffle = 0x4, DontSplit = 0x10;
    private const int MaxSplits = 16, MinBufferSize = 128;

    public override ushort FilterId => Id;

    public override string Name => "blosc";

    protected override Memory<byte> Decode(FilterInfo info) => Decompress(info.Buffer.Span);

    /// <summary>A frame as long as the chunk must say so in its header: format 1 or 2, the chunk's size, its own length.</summary>
    protected override bool IsEncoded(ReadOnlySpan<byte> chunk, int chunkSize) =>
        chunk.Length >= HeaderLength && chunk[0] is 1 or 2 &&
        BinaryPrimitives.ReadInt32LittleEndian(chunk[4..]) == chunkSize &&
        BinaryPrimitives.ReadInt32LittleEndian(chunk[12..]) == chunk.Length;

    public static byte[] Decompress(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < HeaderLength) throw Damaged("its header is cut off");
        var version = frame[0];
        var flags = frame[2];
        int typeSize = frame[3];
        var total = BinaryPrimitives.ReadInt32LittleEndian(frame[4..]);
        var blockSize = BinaryPrimitives.ReadInt32LittleEndian(frame[8..]);
        var compressed = BinaryPrimitives.ReadInt32LittleEndian(frame[12..]);
        if (version is 0 or > 2) throw Damaged($"its format version is {version}; Blosc 1 frames are version 1 or 2");
        if (total < 0 || compressed < HeaderLength || compressed > frame.Length || typeSize == 0 ||
            total > 0 && (blockSize <= 0 || blockSize > total))
            throw Damaged($"its header is implausible ({total} bytes, blocks of {blockSize}, {compressed} stored)");

        var output = new byte[total];
        if (total == 0) return output;
        if ((flags & MemoryCopied) != 0)
        {
            if (compressed != total + HeaderLength) throw Damaged("a copied frame has the wrong length");
            frame.Slice(HeaderLength, total).CopyTo(output);
            return output;
        }

        var codec = flags >> 5;
        var blocks = total / blockSize + (total % blockSize > 0 ? 1 : 0);
        if (HeaderLength + 4L * blocks > compressed) throw Damaged("its block table is cut off");
        var scratch = new byte[blockSize];
        for (var b = 0; b < blocks; b++)
        {
            var size = Math.Min(blockSize, total - b * blockSize);
            var leftover = size < blockSize;
            var start = BinaryPrimitives.ReadInt32LittleEndian(frame[(HeaderLength + 4 * b)..]);
            var block = scratch.AsSpan(0, size);
            DecodeBlock(frame[..compressed], start, block, codec, typeSize, flags, leftover);

            var destination = output.AsSpan(b * blockSize, size);
            if ((flags & DoShuffle) != 0 && typeSize > 1) ByteUnshuffle.Bytes(block, destination, typeSize);
            else if ((flags & DoBitShuffle) != 0 && size >= typeSize) ByteUnshuffle.Bits(block, destination, typeSize);
            else block.CopyTo(destination);
        }
        return output;
    }

    /// <summary>One block: one stream, or one per value byte (c-blosc splits full blocks of small values unless the
    /// frame says not to), each stored raw when it did not shrink.</summary>
    private static void DecodeBlock(ReadOnlySpan<byte> frame, int offset, Span<byte> block, int codec, int typeSize,
        byte flags, bool leftover)
    {
        var split = (flags & DontSplit) == 0 && typeSize <= MaxSplits && block.Length / typeSize >= MinBufferSize && !leftover;
        var streams = split ? typeSize : 1;
        var streamSize = block.Length / streams;
        for (var s = 0; s < streams; s++)
        {
            if (offset < 0 || offset > frame.Length - 4) throw Damaged("a block starts outside the frame");
            var stored = BinaryPrimitives.ReadInt32LittleEndian(frame[offset..]);
            offset += 4;
            if (stored < 0 || stored > frame.Length - offset) throw Damaged("a block passes the end of the frame");
            var source = frame.Slice(offset, stored);
            var target = block.Slice(s * streamSize, streamSize);
            if (stored == streamSize) source.CopyTo(target);
            else if (Decode(codec, source, target) != streamSize) throw Damaged("a block does not decode to its size");
            offset += stored;
        }
    }

    private static int Decode(int codec, ReadOnlySpan<byte> source, Span<byte> target) => codec switch
    {
        0 => BloscLz.Decompress(source, target),
        1 => LZ4Codec.Decode(source, target),
        3 => Inflate(source, target),
        4 => Unzstd(source, target),
        2 => throw new InvalidDataException("Blosc chunk uses the Snappy codec, which cremi cannot decode"),
        _ => throw Damaged($"its codec number {codec} is unknown"),
    };

    private static int Unzstd(ReadOnlySpan<byte> source, Span<byte> target)
    {
        using var decompressor = new Decompressor();
        return decompressor.Unwrap(source, target);
    }

    private static int Inflate(ReadOnlySpan<byte> source, Span<byte> target)
    {
        using var stream = new ZLibStream(new MemoryStream(source.ToArray()), CompressionMode.Decompress);
        var read = 0;
        while (read < target.Length)
        {
            var n = stream.Read(target[read..]);
            if (n == 0) break;
            read += n;
        }
        return read;
    }

    private static InvalidDataException Damaged(string what) => new($"Blosc chunk is damaged: {what}");
}
