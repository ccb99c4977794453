using Cremi.Core.Volumes;

namespace Cremi.Learning.Targets;

/// <summary>
/// A Euclidean distance transform with anisotropic voxels: for every voxel of a (z,y,x) C-order block, the distance in
/// nm from its centre to the centre of the nearest voxel where <c>features</c> is true (0 there; +∞ when no voxel is).
/// Pluggable so that the exact EDT of Cremi.Core.Metrics can replace <see cref="SeparableDistanceTransform"/>.
/// </summary>
public interface IDistanceTransform
{
    double[] DistanceToNearest(bool[] features, Shape3 shape, VoxelSize voxelSize);
}

/// <summary>Adapts a function (e.g. a method group of another EDT) to <see cref="IDistanceTransform"/>.</summary>
public sealed class FuncDistanceTransform(Func<bool[], Shape3, VoxelSize, double[]> transform) : IDistanceTransform
{
    public double[] DistanceToNearest(bool[] features, Shape3 shape, VoxelSize voxelSize) => transform(features, shape, voxelSize);
}
