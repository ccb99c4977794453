using System.Buffers;
using System.Numerics;
using Cremi.Core.Volumes;

namespace Cremi.Core.Preprocessing;

/// <summary>
/// <c>cv2.GaussianBlur</c> on uint8 sections with a square odd kernel and BORDER_REFLECT_101 (OpenCV's default),
/// bit-exact with OpenCV 4's fixed-point path: taps in 1/256 (<see cref="GaussianKernel.FixedPoint"/>), a horizontal
/// pass kept exact in 8 fraction bits, a vertical pass in 16, and one final round-half-up to a grey level.
/// Integer arithmetic makes the order of the sums irrelevant, so the loops are free to vectorise.
/// </summary>
public static class GaussianBlur
{
    /// <param name="kernelSize">Odd, as <c>ksize=(k, k)</c>.</param>
    /// <param name="sigma">sigmaX = sigmaY; &lt;= 0 derives it from the size as OpenCV does.</param>
    public static Volume<byte> Apply(Volume<byte> volume, int kernelSize, double sigma)
    {
        var kernel = GaussianKernel.FixedPoint(kernelSize, sigma);
        return Sections.Map<byte, byte>(volume, (s, d, h, w) => Filter(s, d, h, w, kernel));
    }

    public static void ApplySection(ReadOnlySpan<byte> source, Span<byte> destination, int height, int width,
        int kernelSize, double sigma) =>
        Filter(source, destination, height, width, GaussianKernel.FixedPoint(kernelSize, sigma));

    internal static void Filter(ReadOnlySpan<byte> source, Span<byte> destination, int height, int width, int[] kernel)
    {
        Sections.CheckSize(source.Length, destination.Length, height, width);
        var radius = kernel.Length / 2;
        var columns = Border.Map(width, radius, Border.Reflect101);
        var horizontal = ArrayPool<int>.Shared.Rent(height * width);
        var padded = ArrayPool<int>.Shared.Rent(width + 2 * radius + Vector<int>.Count);
        var sums = ArrayPool<int>.Shared.Rent(width);
        try
        {
            for (var y = 0; y < height; y++)
            {
                var row = source.Slice(y * width, width);
                for (var i = 0; i < columns.Length; i++) padded[i] = row[columns[i]];
                Correlate(padded, kernel, horizontal.AsSpan(y * width, width));
            }
            for (var y = 0; y < height; y++)
            {
                var sum = sums.AsSpan(0, width);
                sum.Clear();
                for (var i = 0; i < kernel.Length; i++)
                {
                    var from = Border.Reflect101(y + i - radius, height);
                    AddScaled(horizontal.AsSpan(from * width, width), kernel[i], sum);
                }
                var output = destination.Slice(y * width, width);
                // Products carry 16 fraction bits; OpenCV rounds half up when it narrows ufixedpoint32 to uchar.
                for (var x = 0; x < width; x++) output[x] = (byte)((sum[x] + (1 << 15)) >> 16);
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(horizontal);
            ArrayPool<int>.Shared.Return(padded);
            ArrayPool<int>.Shared.Return(sums);
        }
    }

    /// <summary>output[x] = sum_j kernel[j] * padded[x + j].</summary>
    private static void Correlate(ReadOnlySpan<int> padded, int[] kernel, Span<int> output)
    {
        var lanes = Vector<int>.Count;
        var x = 0;
        for (; x <= output.Length - lanes; x += lanes)
        {
            var acc = Vector<int>.Zero;
            for (var j = 0; j < kernel.Length; j++) acc += new Vector<int>(padded.Slice(x + j, lanes)) * kernel[j];
            acc.CopyTo(output.Slice(x, lanes));
        }
        for (; x < output.Length; x++)
        {
            var acc = 0;
            for (var j = 0; j < kernel.Length; j++) acc += padded[x + j] * kernel[j];
            output[x] = acc;
        }
    }

    /// <summary>sum += weight * row, element-wise.</summary>
    private static void AddScaled(ReadOnlySpan<int> row, int weight, Span<int> sum)
    {
        var lanes = Vector<int>.Count;
        var x = 0;
        for (; x <= sum.Length - lanes; x += lanes)
            (new Vector<int>(sum.Slice(x, lanes)) + new Vector<int>(row.Slice(x, lanes)) * weight).CopyTo(sum.Slice(x, lanes));
        for (; x < sum.Length; x++) sum[x] += row[x] * weight;
    }
}
