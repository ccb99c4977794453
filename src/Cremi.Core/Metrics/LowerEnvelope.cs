namespace Cremi.Core.Metrics;

/// <summary>
/// The exact 1D squared-distance transform of Felzenszwalb and Huttenlocher ("Distance Transforms of Sampled
/// Functions", Theory of Computing 8, 2012): d(q) = min_p w·(q−p)² + f(p), the lower envelope of parabolas rooted at
/// every p, in O(n). Applying it along x, then y, then z gives the exact Euclidean distance transform, because the
/// squared Euclidean distance is a sum of per-axis terms. w is the squared voxel size of the axis in nm².
/// </summary>
public sealed class LowerEnvelope
{
    private readonly double[] _f;
    private readonly int[] _roots;
    private readonly double[] _bounds;
    private readonly double[] _result;

    /// <summary>Scratch sized for lines of up to <paramref name="length"/> voxels, one instance per thread.</summary>
    public LowerEnvelope(int length)
    {
        _f = new double[length];
        _roots = new int[length];
        _bounds = new double[length + 1];
        _result = new double[length];
    }

    /// <summary>The input line, to be filled before <see cref="Transform"/>; +∞ marks "no target on this line yet".</summary>
    public Span<double> Line(int length) => _f.AsSpan(0, length);

    /// <summary>
    /// Returns min_p w·(q−p)² + f(p) for every q (valid until the next call). Samples with f = +∞ root no parabola
    /// (skipping them keeps ∞ − ∞ out of the intersection formula); a line of only +∞ stays +∞.
    /// </summary>
    public ReadOnlySpan<double> Transform(int length, double w)
    {
        var f = _f;
        var v = _roots;
        var z = _bounds;
        var output = _result;
        var k = -1;
        for (var q = 0; q < length; q++)
        {
            if (double.IsPositiveInfinity(f[q])) continue;
            if (k < 0)
            {
                k = 0;
                v[0] = q;
                z[0] = double.NegativeInfinity;
                z[1] = double.PositiveInfinity;
                continue;
            }
            // Where q's parabola overtakes the top one; pop the top while that happens before the top's own interval
            // starts. z[0] = −∞ stops the loop at the first parabola, so k never goes negative.
            var p = v[k];
            var s = Intersection(f, w, p, q);
            while (s <= z[k])
            {
                k--;
                p = v[k];
                s = Intersection(f, w, p, q);
            }
            k++;
            v[k] = q;
            z[k] = s;
            z[k + 1] = double.PositiveInfinity;
        }

        if (k < 0)
        {
            output.AsSpan(0, length).Fill(double.PositiveInfinity);
            return output.AsSpan(0, length);
        }
        var j = 0;
        for (var q = 0; q < length; q++)
        {
            while (z[j + 1] < q) j++;
            var p = v[j];
            var dq = q - p;
            output[q] = w * dq * (double)dq + f[p];
        }
        return output.AsSpan(0, length);
    }

    private static double Intersection(double[] f, double w, int p, int q) =>
        (f[q] + w * q * (double)q - (f[p] + w * p * (double)p)) / (2 * w * (q - p));
}
