using Cremi.Core.Volumes;

namespace Cremi.Core.Sampling;

/// <summary>A window of a volume: its corner (may lie outside the volume, filled by reflection) and its shape.</summary>
public readonly record struct Window(int Z, int Y, int X, Shape3 Shape)
{
    public int CenterZ => Z + Shape.Z / 2;
    public int CenterY => Y + Shape.Y / 2;
    public int CenterX => X + Shape.X / 2;

    /// <summary>The window of the given shape whose centre is (z, y, x).</summary>
    public static Window CenteredAt(int z, int y, int x, Shape3 shape) =>
        new(z - shape.Z / 2, y - shape.Y / 2, x - shape.X / 2, shape);

    public bool LiesInside(Shape3 volume) =>
        Z >= 0 && Y >= 0 && X >= 0 && Z + Shape.Z <= volume.Z && Y + Shape.Y <= volume.Y && X + Shape.X <= volume.X;
}
