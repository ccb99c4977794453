using Cremi.Core.Volumes;

namespace Cremi.Learning.Models;

/// <summary>
/// The receptive field of a U-Net, computed exactly from its layer list by propagating, per axis, the interval of
/// voxels one output voxel depends on back to the input: a 'same' convolution of kernel k widens it by (k−1)/2 on each
/// side; going back through a max-pool of factor p maps [lo, hi] to [lo·p, hi·p + p − 1]; through a transposed
/// convolution of kernel = stride = p to [⌊lo/p⌋, ⌊hi/p⌋]; a skip concatenation unites both branches.
/// Because of the poolings the interval depends on the output position modulo the total pooling factor;
/// <see cref="Of"/> gives the largest over positions. Normalisation statistics (instance, group, batch norm) make every
/// voxel depend on the whole window in principle; this is the convolutional receptive field, ignoring them.
/// </summary>
public static class ReceptiveField
{
    /// <summary>Largest receptive field (voxels per axis, z,y,x) over all output positions.</summary>
    public static Shape3 Of(ModelSpec spec)
    {
        var t = Topology.From(spec);
        int Axis(int axis)
        {
            var period = t.Pools.Aggregate(1, (a, p) => a * p[axis]);
            var best = 0;
            for (var o = 0; o < period; o++)
            {
                var (lo, hi) = t.Output(axis, o);
                best = Math.Max(best, hi - lo + 1);
            }
            return best;
        }
        return new Shape3(Axis(0), Axis(1), Axis(2));
    }

    /// <summary>First and last input voxel (z,y,x) the output voxel at <paramref name="output"/> depends on (window borders ignored).</summary>
    public static (Shape3 First, Shape3 Last) At(ModelSpec spec, Shape3 output)
    {
        var t = Topology.From(spec);
        var (z0, z1) = t.Output(0, output.Z);
        var (y0, y1) = t.Output(1, output.Y);
        var (x0, x1) = t.Output(2, output.X);
        return (new Shape3(z0, y0, x0), new Shape3(z1, y1, x1));
    }

    /// <summary>The layer list that matters: per level its encoder and decoder kernels and the pooling below it.</summary>
    private sealed record Topology(int[][][] EncoderKernels, int[][][] DecoderKernels, int[][] Pools)
    {
        public static Topology From(ModelSpec spec)
        {
            if (spec.Arch == Architecture.Seed)
            {
                int[] k3 = [3, 3, 3];
                return new Topology(
                    [[k3], [k3, k3], [k3, k3], [k3, k3], [k3, k3]], // inc is a single conv
                    [.. Enumerable.Range(0, 4).Select(_ => new[] { k3, k3 })],
                    [.. Enumerable.Range(0, 4).Select(_ => new[] { 2, 2, 2 })]);
            }
            spec.Validated();
            var kernels = spec.Kernels.Select(k => new[] { k.Z, k.Y, k.X }).ToArray();
            return new Topology(
                [.. kernels.Select(k => new[] { k, k })],
                [.. kernels.Take(kernels.Length - 1).Select(k => new[] { k, k })],
                [.. spec.Pools.Select(p => new[] { p.Z, p.Y, p.X })]);
        }

        /// <summary>The input interval behind the output voxel o (1×1×1 head: the last decoder's interval).</summary>
        public (int Lo, int Hi) Output(int axis, int o) =>
            Pools.Length == 0 ? Encoder(0, axis, o, o) : Decoder(0, axis, o, o);

        private (int Lo, int Hi) Encoder(int level, int axis, int lo, int hi)
        {
            foreach (var k in EncoderKernels[level]) (lo, hi) = (lo - k[axis] / 2, hi + k[axis] / 2);
            if (level == 0) return (lo, hi);
            var p = Pools[level - 1][axis];
            return Encoder(level - 1, axis, lo * p, hi * p + p - 1);
        }

        private (int Lo, int Hi) Decoder(int level, int axis, int lo, int hi)
        {
            foreach (var k in DecoderKernels[level]) (lo, hi) = (lo - k[axis] / 2, hi + k[axis] / 2);
            var skip = Encoder(level, axis, lo, hi);
            var p = Pools[level][axis];
            var (dlo, dhi) = (FloorDiv(lo, p), FloorDiv(hi, p));
            var deeper = level + 1 == Pools.Length ? Encoder(level + 1, axis, dlo, dhi) : Decoder(level + 1, axis, dlo, dhi);
            return (Math.Min(skip.Lo, deeper.Lo), Math.Max(skip.Hi, deeper.Hi));
        }

        private static int FloorDiv(int a, int b) => (int)Math.Floor((double)a / b);
    }
}
