using Cremi.Core.Volumes;

namespace Cremi.Core.Preprocessing;

/// <summary>
/// <c>cv2.adaptiveThreshold(img, maxValue, ADAPTIVE_THRESH_GAUSSIAN_C, THRESH_BINARY or THRESH_BINARY_INV, blockSize, C)</c>
/// per z-section. As OpenCV 4.6 does: the local mean is a float Gaussian blur (sigma from the block size,
/// BORDER_REPLICATE) rounded to uint8, and C is rounded to an integer (up for BINARY, down for BINARY_INV) before
/// the integer comparison <c>src - mean &gt; -C</c> (BINARY) or <c>&lt;= -C</c> (BINARY_INV). Output: 0 or maxValue.
/// </summary>
public static class AdaptiveThreshold
{
    public static Volume<byte> Apply(Volume<byte> volume, byte maxValue, int blockSize, double c, bool inverse = false)
    {
        Validate(blockSize, c);
        return Sections.Map<byte, byte>(volume, (s, d, h, w) => Run(s, d, h, w, maxValue, blockSize, c, inverse));
    }

    public static void ApplySection(ReadOnlySpan<byte> source, Span<byte> destination, int height, int width,
        byte maxValue, int blockSize, double c, bool inverse = false)
    {
        Validate(blockSize, c);
        Run(source, destination, height, width, maxValue, blockSize, c, inverse);
    }

    private static void Validate(int blockSize, double c)
    {
        if (blockSize < 3 || blockSize % 2 == 0)
            throw new ArgumentOutOfRangeException(nameof(blockSize), blockSize, "the block size must be odd and at least 3");
        if (!double.IsFinite(c)) throw new ArgumentOutOfRangeException(nameof(c), c, "C must be finite");
    }

    private static void Run(ReadOnlySpan<byte> source, Span<byte> destination, int height, int width,
        byte maxValue, int blockSize, double c, bool inverse)
    {
        Sections.CheckSize(source.Length, destination.Length, height, width);
        var mean = new byte[source.Length];
        FloatGaussianBlur.MeanAsBytes(source, mean, height, width, blockSize);
        // Differences lie in -255..255, so clamping C keeps the comparison and avoids int overflow.
        var delta = (int)Math.Clamp(inverse ? Math.Floor(c) : Math.Ceiling(c), -1000, 1000);
        for (var i = 0; i < source.Length; i++)
        {
            var difference = source[i] - mean[i];
            var above = difference > -delta;
            destination[i] = above != inverse ? maxValue : (byte)0;
        }
    }
}
