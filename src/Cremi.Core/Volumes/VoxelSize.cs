namespace Cremi.Core.Volumes;

/// <summary>Physical size of one voxel in nanometres, (z, y, x) order as in the CREMI `resolution` attribute.</summary>
public readonly record struct VoxelSize(double Z, double Y, double X)
{
    /// <summary>CREMI's serial-section TEM: 40 nm sections, 4 nm pixels.</summary>
    public static VoxelSize Cremi { get; } = new(40, 4, 4);

    public bool IsValid => Z > 0 && Y > 0 && X > 0 && double.IsFinite(Z) && double.IsFinite(Y) && double.IsFinite(X);

    public double[] ToArray() => [Z, Y, X];

    public override string ToString() => $"{Z:G},{Y:G},{X:G} nm";
}
