using Cremi.Learning.Models;

namespace Cremi.Learning.Inference;

/// <summary>
/// Floating-point operations of one forward pass per output voxel, counted analytically from the spec:
/// 2 × the multiply-adds of every convolution and transposed convolution (a transposed convolution with
/// kernel = stride gives each output voxel one tap per input channel). Norms, activations, pooling and concatenation
/// are left out (a few FLOPs per voxel per channel, under 1 %). Levels below the top count at their resolution.
/// </summary>
public static class ModelFlops
{
    public static double PerVoxel(ModelSpec spec) => 2 * (spec.Arch == Architecture.Seed ? SeedMacs(spec.Filters) : UnetMacs(spec));

    private static double UnetMacs(ModelSpec spec)
    {
        double Block(long cin, long cout, Cremi.Core.Volumes.Shape3 k)
        {
            var kv = (double)k.Count;
            return cin * cout * kv + cout * cout * kv + (spec.Residual && cin != cout ? cin * cout : 0);
        }
        var total = spec.Channels(0) * (double)spec.OutChannels; // head, 1×1×1
        var scale = 1.0; // voxels at this level per top-level voxel
        for (var i = 0; i < spec.Kernels.Count; i++)
        {
            total += scale * Block(i == 0 ? spec.InChannels : spec.Channels(i - 1), spec.Channels(i), spec.Kernels[i]);
            if (i < spec.Pools.Count)
            {
                // decoder of level i and the transposed convolution that feeds it, at level i's resolution
                total += scale * (Block(2 * spec.Channels(i), spec.Channels(i), spec.Kernels[i]) + spec.Channels(i + 1) * spec.Channels(i));
                scale /= spec.Pools[i].Count;
            }
        }
        return total;
    }

    private static double SeedMacs(long f)
    {
        var total = 27.0 * f + f; // inc (1→F, k3) and outc (F→1, k1) at full resolution
        for (var level = 0; level < 4; level++)
        {
            var c = f << level;
            var below = Math.Pow(8, -(level + 1)); // downK runs after the K-th 2×2×2 pooling
            var here = Math.Pow(8, -level);
            total += below * 27 * (c * 2 * c + 2 * c * 2 * c); // down: c→2c, 2c→2c
            total += here * (2 * c * c + 27 * (2 * c * c + c * c)); // up: transposed 2c→c, then 2c→c, c→c
        }
        return total;
    }
}
