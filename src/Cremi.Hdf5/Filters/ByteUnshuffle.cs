namespace Cremi.Hdf5.Filters;

/// <summary>
/// The inverses of the byte and bit shuffles that Blosc applies to a block before compressing it, so that equal
/// bytes (or bits) of neighbouring values lie together: bytes grouped by their position in the value, or bits grouped
/// by their position (bitshuffle's layout: row 8·byte + bit holds that bit of every value, eight values a byte).
/// </summary>
internal static class ByteUnshuffle
{
    /// <summary>c-blosc's unshuffle: value i, byte j comes from source position j·n + i; trailing bytes that do not
    /// fill a value are copied as they are.</summary>
    public static void Bytes(ReadOnlySpan<byte> source, Span<byte> destination, int typeSize)
    {
        var count = source.Length / typeSize;
        for (var j = 0; j < typeSize; j++)
        {
            var row = source.Slice(j * count, count);
            for (var i = 0; i < count; i++) destination[i * typeSize + j] = row[i];
        }
        var tail = count * typeSize;
        source[tail..].CopyTo(destination[tail..]);
    }

    /// <summary>c-blosc's bitunshuffle: only whole groups of 8 values were bit-shuffled; a block whose value count
    /// is not a multiple of 8 was stored as it is, and trailing bytes are copied.</summary>
    public static void Bits(ReadOnlySpan<byte> source, Span<byte> destination, int typeSize)
    {
        var count = source.Length / typeSize;
        if (count % 8 != 0)
        {
            source.CopyTo(destination);
            return;
        }
        var tail = count * typeSize;
        var rowBytes = count / 8;
        for (var j = 0; j < typeSize; j++)
            for (var g = 0; g < rowBytes; g++)
            {
                // The 8 rows of byte j hold bit k of values 8g..8g+7 in bit m of their byte g: an 8x8 bit matrix
                // (row k in byte k of a word), whose transpose has byte j of value 8g+m in its byte m.
                ulong x = 0;
                for (var k = 0; k < 8; k++) x |= (ulong)source[(j * 8 + k) * rowBytes + g] << (8 * k);
                x = Transpose8x8(x);
                for (var m = 0; m < 8; m++) destination[(g * 8 + m) * typeSize + j] = (byte)(x >> (8 * m));
            }
        source[tail..].CopyTo(destination[tail..]);
    }

    /// <summary>Transposes an 8x8 bit matrix held as row r in byte r, column c in bit c (Hacker's Delight, 7-3).</summary>
    private static ulong Transpose8x8(ulong x)
    {
        var t = (x ^ (x >> 7)) & 0x00AA00AA00AA00AAUL;
        x ^= t ^ (t << 7);
        t = (x ^ (x >> 14)) & 0x0000CCCC0000CCCCUL;
        x ^= t ^ (t << 14);
        t = (x ^ (x >> 28)) & 0x00000000F0F0F0F0UL;
        return x ^ t ^ (t << 28);
    }
}
