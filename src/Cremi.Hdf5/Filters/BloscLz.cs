namespace Cremi.Hdf5.Filters;

/// <summary>
/// Blosc's own codec (BloscLZ, a FastLZ variant, c-blosc's blosclz.c), the default of Blosc and PyTables: literal
/// runs of up to 32 bytes and matches with 13-bit distances, or 16-bit ones after an escape.
/// </summary>
internal static class BloscLz
{
    private const int MaxDistance = 8191;

    public static int Decompress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (input.IsEmpty) return 0;
        int ip = 0, op = 0;
        // The first instruction is always a literal run; its top bits carry the compression level.
        var control = input[ip++] & 31;
        while (true)
        {
            if (control >= 32)
            {
                var length = (control >> 5) - 1;
                var distance = (control & 31) << 8;
                int code;
                if (length == 6)
                {
                    do
                    {
                        if (ip + 1 >= input.Length) throw Damaged("a match length is cut off");
                        code = input[ip++];
                        length += code;
                    } while (code == 255);
                }
                else if (ip + 1 >= input.Length)
                {
                    throw Damaged("a match is cut off");
                }
                code = input[ip++];
                length += 3;
                var reference = op - distance - code;
                if (code == 255 && distance == 31 << 8)
                {
                    // Escape: a 16-bit distance beyond the 13-bit range follows.
                    if (ip + 1 >= input.Length) throw Damaged("a long match distance is cut off");
                    distance = (input[ip] << 8) + input[ip + 1];
                    ip += 2;
                    reference = op - distance - MaxDistance;
                }
                reference--;
                if (op + length > output.Length) throw Damaged("the block decodes to more bytes than it holds");
                if (reference < 0) throw Damaged("a match points before the block");
                op = LzCopy.Match(output, op, reference, length);
            }
            else
            {
                var length = control + 1;
                if (op + length > output.Length) throw Damaged("the block decodes to more bytes than it holds");
                if (ip + length > input.Length) throw Damaged("a literal run passes the end of the block");
                input.Slice(ip, length).CopyTo(output[op..]);
                ip += length;
                op += length;
            }
            if (ip >= input.Length) break;
            control = input[ip++];
        }
        return op;
    }

    private static InvalidDataException Damaged(string what) => new($"BloscLZ block is damaged: {what}");
}
