using System.Buffers.Binary;
using K4os.Compression.LZ4;
using PureHDF.Filters;

namespace Cremi.Hdf5.Filters;

/// <summary>
/// The HDF Group's registered LZ4 filter (id 32004, hdf5plugin.LZ4), read-only. A chunk is a big-endian 64-bit
/// original size and 32-bit block size, then per block a big-endian 32-bit compressed size and the LZ4 block,
/// stored as it is when it did not shrink (H5Zlz4.c).
/// </summary>
internal sealed class Lz4Filter : DecodingFilter
{
    public const ushort Id = 32004;

    public override ushort FilterId => Id;

    public override string Name => "lz4";

    protected override Memory<byte> Decode(FilterInfo info) => Decompress(info.Buffer.Span);

    protected override bool IsEncoded(ReadOnlySpan<byte> chunk, int chunkSize) =>
        chunk.Length >= 12 && BinaryPrimitives.ReadUInt64BigEndian(chunk) == (ulong)chunkSize;

    public static byte[] Decompress(ReadOnlySpan<byte> input)
    {
        if (input.Length < 12) throw Damaged("its header is cut off");
        var total = BinaryPrimitives.ReadUInt64BigEndian(input);
        var blockSize = (long)BinaryPrimitives.ReadUInt32BigEndian(input[8..]);
        if (total > int.MaxValue || blockSize == 0 && total > 0) throw Damaged($"its header is implausible ({total} bytes in blocks of {blockSize})");
        blockSize = Math.Min(blockSize, (long)total);

        var output = new byte[total];
        int ip = 12, op = 0;
        while (op < output.Length)
        {
            var size = (int)Math.Min(blockSize, output.Length - op);
            if (ip + 4 > input.Length) throw Damaged("a block header is cut off");
            var stored = BinaryPrimitives.ReadUInt32BigEndian(input[ip..]);
            ip += 4;
            if (stored > input.Length - ip) throw Damaged("a block passes the end of the chunk");
            var block = input.Slice(ip, (int)stored);
            if (stored == size)
                block.CopyTo(output.AsSpan(op));
            else if (LZ4Codec.Decode(block, output.AsSpan(op, size)) != size)
                throw Damaged("a block does not decode to its size");
            ip += (int)stored;
            op += size;
        }
        return output;
    }

    private static InvalidDataException Damaged(string what) => new($"LZ4 chunk is damaged: {what}");
}
