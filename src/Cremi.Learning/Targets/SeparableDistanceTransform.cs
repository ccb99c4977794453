using Cremi.Core.Metrics;
using Cremi.Core.Volumes;

namespace Cremi.Learning.Targets;

/// <summary>
/// The exact EDT by Felzenszwalb and Huttenlocher's separable lower envelope of parabolas (x, then y, then z; O(n)),
/// in double precision and single-threaded: meant for training windows. It shares the 1D step (<see cref="LowerEnvelope"/>)
/// with Cremi.Core's whole-volume EuclideanDistanceTransform, which stores float32 between passes.
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
        var envelope = new LowerEnvelope(Math.Max(shape.Z, Math.Max(shape.Y, shape.X)));
        void Pass(int length, int stride, IEnumerable<int> starts, double spacing)
        {
            var w = spacing * spacing;
            foreach (var start in starts)
            {
                var line = envelope.Line(length);
                for (var i = 0; i < length; i++) line[i] = d[start + i * stride];
                var output = envelope.Transform(length, w);
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
}
