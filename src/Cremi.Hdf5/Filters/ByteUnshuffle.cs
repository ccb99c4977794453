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
        destination[..tail].Clear();
        var rowBytes = count / 8;
        for (var j = 0; j < typeSize; j++)
            for (var bit = 0; bit < 8; bit++)
            {
                var row = source.Slice((j * 8 + bit) * rowBytes, rowBytes);
                var mask = (byte)(1 << bit);
                for (var g = 0; g < rowBytes; g++)
                {
                    int packed = row[g];
                    if (packed == 0) continue;
                    for (var m = 0; m < 8; m++)
                        if ((packed >> m & 1) != 0) destination[(g * 8 + m) * typeSize + j] |= mask;
                }
            }
        source[tail..].CopyTo(destination[tail..]);
    }
}
