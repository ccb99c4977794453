using System.Buffers;
using Cremi.Core.Volumes;

namespace Cremi.Core.Preprocessing;

/// <summary>
/// The seed Python tool's training preprocessing, reproduced so that its trained models see the input they were
/// trained on. Per z-section: <c>eq = cv2.equalizeHist(s)</c>; <c>r = eq.astype(float64) / cv2.GaussianBlur(eq, (21, 21), 21)</c>;
/// <c>u = ((r - r.min()) / (r.max() - r.min()) * 255).astype(uint8)</c> (numpy truncates toward zero);
/// <c>cv2.equalizeHist(u)</c>. Then one min/max over the whole volume to float [0, 1].
/// <para>
/// Where the blur is 0 numpy gives NaN (0/0) or inf (x/0), and then a section of NaN that casts to 0 on x86: the whole
/// section is lost. We define instead: 0/0 = 0 (a black region stays black), x/0 = the largest finite ratio of the
/// section (brighter than its surround, as the division means), and a section with no spread maps to 0. Sections
/// with no zero in the blur are bit-for-bit what the seed computed.
/// </para>
/// </summary>
public static class SeedPreprocessing
{
    public const int BlurSize = 21;
    public const double BlurSigma = 21;

    public static Volume<float> Apply(Volume<byte> volume) =>
        Normalization.MinMax(Sections.Map<byte, byte>(volume, ApplySection));

    /// <summary>The per-section part (up to the second equalization), before the global min/max.</summary>
    public static void ApplySection(ReadOnlySpan<byte> source, Span<byte> destination, int height, int width)
    {
        Sections.CheckSize(source.Length, destination.Length, height, width);
        var n = source.Length;
        var equalized = ArrayPool<byte>.Shared.Rent(n);
        var blurred = ArrayPool<byte>.Shared.Rent(n);
        var ratios = ArrayPool<double>.Shared.Rent(n);
        try
        {
            var eq = equalized.AsSpan(0, n);
            var blur = blurred.AsSpan(0, n);
            HistogramEqualization.ApplySection(source, eq, height, width);
            GaussianBlur.Filter(eq, blur, height, width, Kernel);
            var r = ratios.AsSpan(0, n);
            LocalMeanRatio(eq, blur, r);
            RescaleToBytes(r, destination);
            HistogramEqualization.ApplySection(destination, eq, height, width);
            eq.CopyTo(destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(equalized);
            ArrayPool<byte>.Shared.Return(blurred);
            ArrayPool<double>.Shared.Return(ratios);
        }
    }

    private static readonly int[] Kernel = GaussianKernel.FixedPoint(BlurSize, BlurSigma);

    /// <summary>eq / blur, with the finite stand-ins for a zero blur described on the class.</summary>
    private static void LocalMeanRatio(ReadOnlySpan<byte> eq, ReadOnlySpan<byte> blur, Span<double> ratio)
    {
        var maxFinite = 0.0;
        var anyInfinite = false;
        for (var i = 0; i < eq.Length; i++)
        {
            if (blur[i] == 0)
            {
                ratio[i] = 0;
                anyInfinite |= eq[i] != 0;
                continue;
            }
            ratio[i] = (double)eq[i] / blur[i];
            if (ratio[i] > maxFinite) maxFinite = ratio[i];
        }
        if (!anyInfinite) return;
        for (var i = 0; i < eq.Length; i++)
            if (blur[i] == 0 && eq[i] != 0) ratio[i] = maxFinite;
    }

    /// <summary>numpy's <c>((r - min) / (max - min) * 255).astype(np.uint8)</c>, same operation order, truncating.</summary>
    private static void RescaleToBytes(ReadOnlySpan<double> ratio, Span<byte> destination)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in ratio)
        {
            if (v < min) min = v;
            if (v > max) max = v;
        }
        var range = max - min;
        if (!(range > 0))
        {
            destination.Clear();
            return;
        }
        for (var i = 0; i < ratio.Length; i++) destination[i] = (byte)((ratio[i] - min) / range * 255);
    }
}
