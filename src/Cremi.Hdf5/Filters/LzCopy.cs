namespace Cremi.Hdf5.Filters;

/// <summary>The back-reference copy of LZ77 decoders (LZF, BloscLZ).</summary>
internal static class LzCopy
{
    /// <summary>
    /// Appends <paramref name="length"/> bytes copied from <paramref name="reference"/> at <paramref name="op"/> and
    /// returns the new end. A reference closer than its length repeats the bytes being written (a run), so the
    /// block copy is only for distant references; a distance of one is a fill (long runs of background labels).
    /// </summary>
    public static int Match(Span<byte> output, int op, int reference, int length)
    {
        var distance = op - reference;
        if (distance >= length) output.Slice(reference, length).CopyTo(output[op..]);
        else if (distance == 1) output.Slice(op, length).Fill(output[reference]);
        else for (var i = 0; i < length; i++) output[op + i] = output[reference + i];
        return op + length;
    }
}
