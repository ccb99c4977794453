namespace Cremi.Core.Volumes;

/// <summary>World position of voxel (0,0,0) in nanometres, (z, y, x), as in the CREMI `offset` attribute.</summary>
public readonly record struct Offset3(double Z, double Y, double X)
{
    public static Offset3 Zero { get; } = new(0, 0, 0);

    public double[] ToArray() => [Z, Y, X];
}
