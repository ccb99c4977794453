using Cremi.Core.Volumes;

namespace Cremi.Learning.Targets;

/// <summary>
/// The exact EDT by Felzenszwalb and Huttenlocher's separable lower envelope of parabolas (x, then y, then z; O(n)),
/// small and single-threaded: meant for training windows, not whole volumes.
/// </summary>
public sealed class SeparableDistanceTransform : IDistanceTransform
{
    public static SeparableDistanceTransform Instance { get; } = new();

    public double[] DistanceToNearest(bool[] features, Shape3 shape, VoxelSize voxelSize)
    {
        if (features.LongLength != shape.Count)
            throw new ArgumentException($"{features.Length} voxels given for a {shape} block ({shape.Count} voxels)", nameof(features));
        if (!voxelSize.IsValid) throw new ArgumentException($"invalid voxel size {voxelSize}", nameof(voxelSize));
        var d = new double[features.Length];
        for (var i = 0; i < d.Length; i++) d[i] = features[i] ? 0 : double.PositiveInfinity;
        var longest = Math.Max(shape.Z, Math.Max(shape.Y, shape.X));
        var line = new double[longest];
        var output = new double[longest];
        var roots = new int[longest];
        var bounds = new double[longest + 1];
        void Pass(int length, int stride, IEnumerable<int> starts, double spacing)
        {
            var w = spacing * spacing;
            foreach (var start in starts)
            {
                for (var i = 0; i < length; i++) line[i] = d[start + i * stride];
                LowerEnvelope(line, length, w, output, roots, bounds);
                for (var i = 0; i < length; i++) d[start + i * stride] = output[i];
            }
        }
        int Y = shape.Y, X = shape.X, Z = shape.Z;
        Pass(X, 1, from z in Enumerable.Range(0, Z) from y in Enumerable.Range(0, Y) select (z * Y + y) * X, voxelSize.X);
        Pass(Y, X, from z in Enumerable.Range(0, Z) from x in Enumerable.Range(0, X) select z * Y * X + x, voxelSize.Y);
        Pass(Z, Y * X, Enumerable.Range(0, Y * X), voxelSize.Z);
        for (var i = 0; i < d.Length; i++) d[i] = Math.Sqrt(d[i]);
        return d;
    }

    /// <summary>out(q) = min_p w·(q−p)² + f(p); samples with f = +∞ root no parabola; an all-∞ line stays ∞.</summary>
    private static void LowerEnvelope(double[] f, int n, double w, double[] result, int[] v, double[] z)
    {
        var k = -1;
        for (var q = 0; q < n; q++)
        {
            if (double.IsPositiveInfinity(f[q])) continue;
            while (k >= 0)
            {
                var p = v[k];
                var s = ((f[q] + w * q * q) - (f[p] + w * p * p)) / (2 * w * (q - p));
                if (s > z[k]) { k++; v[k] = q; z[k] = s; z[k + 1] = double.PositiveInfinity; break; }
                k--;
            }
            if (k < 0) { k = 0; v[0] = q; z[0] = double.NegativeInfinity; z[1] = double.PositiveInfinity; }
        }
        if (k < 0) { Array.Fill(result, double.PositiveInfinity, 0, n); return; }
        var j = 0;
        for (var q = 0; q < n; q++)
        {
            while (z[j + 1] < q) j++;
            var dq = q - v[j];
            result[q] = w * dq * dq + f[v[j]];
        }
    }
}
