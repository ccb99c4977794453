using Cremi.Core.Volumes;

namespace Cremi.Core.Preprocessing;

/// <summary>
/// Global histogram equalization of each z-section, bit-exact with OpenCV 4's <c>cv2.equalizeHist</c>:
/// the darkest grey present maps to 0, and each level to round(255 * cdf / (pixels - darkest count)) in float.
/// A flat section is returned unchanged (OpenCV's <c>dst.setTo(i)</c>), so it never divides by zero.
/// </summary>
public static class HistogramEqualization
{
    public static Volume<byte> Apply(Volume<byte> volume) => Sections.Map<byte, byte>(volume, ApplySection);

    public static void ApplySection(ReadOnlySpan<byte> source, Span<byte> destination, int height, int width)
    {
        Sections.CheckSize(source.Length, destination.Length, height, width);
        Span<int> histogram = stackalloc int[256];
        histogram.Clear();
        foreach (var v in source) histogram[v]++;

        var first = 0;
        while (histogram[first] == 0) first++;
        var total = source.Length;
        if (histogram[first] == total)
        {
            destination.Fill((byte)first);
            return;
        }

        // OpenCV computes the scale and each product in float, then rounds half to even (cvRound).
        Span<byte> lut = stackalloc byte[256];
        lut.Clear();
        var scale = 255f / (total - histogram[first]);
        var sum = 0;
        for (var i = first + 1; i < 256; i++)
        {
            sum += histogram[i];
            lut[i] = SaturateByte(sum * scale);
        }
        for (var i = 0; i < source.Length; i++) destination[i] = lut[source[i]];
    }

    /// <summary>OpenCV's saturate_cast&lt;uchar&gt;(float): round half to even, then clamp.</summary>
    internal static byte SaturateByte(float value) => (byte)Math.Clamp((int)MathF.Round(value), 0, 255);
}
