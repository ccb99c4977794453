using System.Buffers;

namespace Cremi.Core.Preprocessing;

/// <summary>
/// The float32 Gaussian blur with BORDER_REPLICATE that OpenCV 4's adaptive threshold runs on its uint8 input
/// (it converts to float first; it does not use the 8-bit fixed-point blur). The sums follow OpenCV's SIMD order
/// and fused multiply-adds: row taps left to right, then centre row plus mirrored row pairs, so the mean rounds the
/// same way where it matters (for block sizes 3, 5 and 7 the taps are dyadic and every sum is exact anyway).
/// </summary>
internal static class FloatGaussianBlur
{
    /// <summary>Blurs and rounds half to even to uint8, as OpenCV's <c>convertTo(CV_8U)</c>.</summary>
    public static void MeanAsBytes(ReadOnlySpan<byte> source, Span<byte> mean, int height, int width, int size)
    {
        // With BORDER_ISOLATED OpenCV collapses the kernel along a dimension of length 1.
        var kx = GaussianKernel.Float(width == 1 ? 1 : size, 0);
        var ky = GaussianKernel.Float(height == 1 ? 1 : size, 0);
        int rx = kx.Length / 2, ry = ky.Length / 2;
        var columns = Border.Map(width, rx, Border.Replicate);
        var horizontal = ArrayPool<float>.Shared.Rent(height * width);
        var padded = ArrayPool<float>.Shared.Rent(columns.Length);
        try
        {
            for (var y = 0; y < height; y++)
            {
                var row = source.Slice(y * width, width);
                for (var i = 0; i < columns.Length; i++) padded[i] = row[columns[i]];
                var output = horizontal.AsSpan(y * width, width);
                for (var x = 0; x < width; x++)
                {
                    var s = 0f;
                    for (var j = 0; j < kx.Length; j++) s = MathF.FusedMultiplyAdd(padded[x + j], kx[j], s);
                    output[x] = s;
                }
            }
            for (var y = 0; y < height; y++)
            {
                var centre = horizontal.AsSpan(y * width, width);
                var output = mean.Slice(y * width, width);
                for (var x = 0; x < width; x++)
                {
                    var s = centre[x] * ky[ry];
                    for (var k = 1; k <= ry; k++)
                    {
                        var above = horizontal[Border.Replicate(y - k, height) * width + x];
                        var below = horizontal[Border.Replicate(y + k, height) * width + x];
                        s = MathF.FusedMultiplyAdd(above + below, ky[ry + k], s);
                    }
                    output[x] = HistogramEqualization.SaturateByte(s);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(horizontal);
            ArrayPool<float>.Shared.Return(padded);
        }
    }
}
