using Cremi.Core.Volumes;

namespace Cremi.Core.Preprocessing;

/// <summary>
/// Runs a 2D operation on every z-section. Sections are independent (OpenCV works in 2D), so they run in parallel;
/// each call gets the section's flat offset into <see cref="Volume{T}.Data"/>.
/// </summary>
internal static class Sections
{
    public delegate void SectionOp<TIn, TOut>(ReadOnlySpan<TIn> source, Span<TOut> destination, int height, int width);

    public static Volume<TOut> Map<TIn, TOut>(Volume<TIn> volume, SectionOp<TIn, TOut> op)
        where TIn : unmanaged where TOut : unmanaged
    {
        var shape = volume.Shape;
        var size = shape.SectionSize;
        var result = new TOut[shape.Count];
        var source = volume.Data;
        Parallel.For(0, shape.Z, z =>
            op(source.AsSpan(z * size, size), result.AsSpan(z * size, size), shape.Y, shape.X));
        return volume.With(result);
    }

    public static void CheckSize(int sourceLength, int destinationLength, int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (sourceLength != height * width || destinationLength != height * width)
            throw new ArgumentException($"a {height}x{width} section needs {height * width} values, " +
                                        $"got {sourceLength} in and {destinationLength} out");
    }
}
