namespace Cremi.Core.Metrics;

/// <summary>
/// Says which voxels are the "zeros" of a distance transform: the voxels distances are measured to.
/// A struct implementing it lets the transform read a label volume directly (no bool mask of 195M voxels) and lets the
/// JIT inline the test per voxel.
/// </summary>
internal interface IDistanceSource
{
    /// <summary>True where the voxel is a target (distance 0), false where its distance to the nearest target is wanted.</summary>
    bool IsTarget(long index);
}

/// <summary>scipy's convention: targets are the false (zero) voxels of a mask.</summary>
internal readonly struct FalseVoxels(bool[] mask) : IDistanceSource
{
    public bool IsTarget(long index) => !mask[index];
}
