using Cremi.Core.Volumes;

namespace Cremi.Learning.Inference;

/// <summary>
/// nnU-Net's importance map for blending overlapping windows: a separable Gaussian centred on the window
/// (sigma = 1/8 of the window side per axis), scaled to a maximum of 1. Window borders, where the network sees the
/// least context, weigh least. Values below <see cref="Floor"/> are raised to it so that no voxel gets zero weight
/// (nnU-Net replaces zeros by the smallest positive value for the same reason: a voxel covered only by window
/// corners must still get a score).
/// </summary>
public static class GaussianImportance
{
    public const double SigmaScale = 1.0 / 8;

    /// <summary>The smallest weight; tiny but far above float underflow, so sum/weight stays exact.</summary>
    public const float Floor = 1e-6f;

    /// <summary>The map in C order (z, y, x) for a window of <paramref name="shape"/>.</summary>
    public static float[] Map(Shape3 shape)
    {
        var (gz, gy, gx) = (Axis(shape.Z), Axis(shape.Y), Axis(shape.X));
        var map = new float[shape.Count];
        var i = 0;
        for (var z = 0; z < shape.Z; z++)
        for (var y = 0; y < shape.Y; y++)
        for (var x = 0; x < shape.X; x++)
            map[i++] = Math.Max(Floor, (float)(gz[z] * gy[y] * gx[x]));
        return map;
    }

    /// <summary>A flat map (all ones): plain averaging, for comparisons.</summary>
    public static float[] Constant(Shape3 shape) => Enumerable.Repeat(1f, (int)shape.Count).ToArray();

    /// <summary>One axis, peak 1 at the centre (n−1)/2 so the map is symmetric for even sides too.</summary>
    public static double[] Axis(int n)
    {
        var sigma = Math.Max(n * SigmaScale, 1e-3);
        var centre = (n - 1) / 2.0;
        return Enumerable.Range(0, n).Select(i => Math.Exp(-0.5 * Math.Pow((i - centre) / sigma, 2))).ToArray();
    }
}
