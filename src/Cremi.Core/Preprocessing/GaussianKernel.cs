namespace Cremi.Core.Preprocessing;

/// <summary>
/// OpenCV 4's 1D Gaussian kernels (<c>getGaussianKernelBitExact</c> and its fixed-point rounding). Matching them
/// tap for tap is what makes our blurs agree with <c>cv2.GaussianBlur</c> to the last grey level.
/// </summary>
internal static class GaussianKernel
{
    /// <summary>OpenCV's sigma for sigma &lt;= 0: ((n-1)/2 - 1) * 0.3 + 0.8, evaluated as its fused n*0.15 + 0.35.</summary>
    public static double DefaultSigma(int size) => Math.FusedMultiplyAdd(size, 0.15, 0.35);

    /// <summary>The double kernel, normalised to sum 1; sigma &lt;= 0 with size 1/3/5/7 gives OpenCV's fixed binomial-like tables.</summary>
    public static double[] Exact(int size, double sigma)
    {
        if (size <= 0 || size % 2 == 0)
            throw new ArgumentOutOfRangeException(nameof(size), size, "a Gaussian kernel size must be odd and positive");
        if (sigma <= 0)
        {
            double[]? table = size switch
            {
                1 => [1.0],
                3 => [0.25, 0.5, 0.25],
                5 => [0.0625, 0.25, 0.375, 0.25, 0.0625],
                7 => [0.03125, 0.109375, 0.21875, 0.28125, 0.21875, 0.109375, 0.03125],
                _ => null,
            };
            if (table is not null) return table;
            sigma = DefaultSigma(size);
        }

        // Taps at x/2 for x = 1-n, 3-n, ..., -2, i.e. exp(-(i - centre)^2 / (2 sigma^2)); the centre tap is exp(0) = 1.
        var half = size / 2;
        var scale = -0.125 / (sigma * sigma);
        var values = new double[half];
        var sum = 0.0;
        for (int i = 0, x = 1 - size; i < half; i++, x += 2)
        {
            values[i] = Math.Exp((double)(x * x) * scale);
            sum += values[i];
        }
        sum = sum * 2 + 1;
        var normaliser = 1 / sum;

        var kernel = new double[size];
        for (var i = 0; i < half; i++) kernel[i] = kernel[size - 1 - i] = values[i] * normaliser;
        kernel[half] = normaliser;
        return kernel;
    }

    /// <summary>
    /// Taps in units of 1/256 summing to exactly 256, as OpenCV's 8-bit path uses (ufixedpoint16): each outer tap is
    /// rounded with the error carried to the next one, and the centre takes the remainder.
    /// </summary>
    public static int[] FixedPoint(int size, double sigma)
    {
        var exact = Exact(size, sigma);
        var half = size / 2;
        var kernel = new int[size];
        var carried = 0.0;
        var sum = 0;
        for (var i = 0; i < half; i++)
        {
            var adjusted = exact[i] * 256 + carried;
            var rounded = (int)Math.Round(adjusted, MidpointRounding.ToEven);
            carried = adjusted - rounded;
            kernel[i] = kernel[size - 1 - i] = rounded;
            sum += rounded;
        }
        kernel[half] = 256 - 2 * sum;
        return kernel;
    }

    /// <summary>The float kernel OpenCV uses for 32-bit images: the double taps rounded to float.</summary>
    public static float[] Float(int size, double sigma) => Array.ConvertAll(Exact(size, sigma), v => (float)v);
}
