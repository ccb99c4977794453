using PureHDF.Filters;

namespace Cremi.Hdf5.Filters;

/// <summary>
/// h5py's LZF filter (id 32000, `compression="lzf"`), read-only. h5py ships it built in, so files saved by Python
/// users often carry it; the chunk is one liblzf stream (lzf_d.c). Chunks that LZF could not shrink are stored with
/// the filter skipped (it is registered as optional), which the filter mask of the chunk tells PureHDF.
/// </summary>
internal sealed class LzfFilter : DecodingFilter
{
    public const ushort Id = 32000;

    public override ushort FilterId => Id;

    public override string Name => "lzf";

    protected override Memory<byte> Decode(FilterInfo info)
    {
        // h5py keeps the chunk's byte size in client value 2; the chunk size PureHDF passes is the same number.
        var expected = info.Parameters.Length > 2 && info.Parameters[2] > 0 ? (int)info.Parameters[2] : info.ChunkSize;
        var output = new byte[Math.Max(expected, 1)];
        var written = Decompress(info.Buffer.Span, output);
        return output.AsMemory(0, written);
    }

    /// <summary>h5py gives LZF an output buffer as long as the chunk and stores the chunk raw when the stream does not
    /// fit, so a stream as long as the chunk is unlikely; it counts only when it decodes to exactly the chunk.</summary>
    protected override bool IsEncoded(ReadOnlySpan<byte> chunk, int chunkSize)
    {
        try
        {
            return Decompress(chunk, new byte[chunkSize]) == chunkSize;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    /// <summary>Decodes one LZF stream into <paramref name="output"/>; throws on a stream that does not fit or that
    /// points before its start (a damaged chunk).</summary>
    public static int Decompress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int ip = 0, op = 0;
        while (ip < input.Length)
        {
            int control = input[ip++];
            if (control < 32)
            {
                // A literal run of control + 1 bytes.
                var length = control + 1;
                if (ip + length > input.Length) throw Damaged("a literal run passes the end of the chunk");
                if (op + length > output.Length) throw Damaged("the chunk decodes to more bytes than it holds");
                input.Slice(ip, length).CopyTo(output[op..]);
                ip += length;
                op += length;
            }
            else
            {
                // A back reference: length in the top 3 bits (7 = more in the next byte), distance in 13 bits.
                var length = control >> 5;
                if (ip >= input.Length) throw Damaged("a back reference is cut off");
                if (length == 7)
                {
                    length += input[ip++];
                    if (ip >= input.Length) throw Damaged("a back reference is cut off");
                }
                var reference = op - ((control & 0x1f) << 8) - 1 - input[ip++];
                length += 2;
                if (op + length > output.Length) throw Damaged("the chunk decodes to more bytes than it holds");
                if (reference < 0) throw Damaged("a back reference points before the chunk");
                op = LzCopy.Match(output, op, reference, length);
            }
        }
        return op;
    }

    private static InvalidDataException Damaged(string what) => new($"LZF chunk is damaged: {what}");
}
