using Cremi.Core.Volumes;

namespace Cremi.Core.Augmentation;

/// <summary>
/// Flips along z, y, x and rotations by multiples of 90° in the y-x plane: the symmetries of serial-section EM
/// (z is anisotropic, so rotations never mix z with y or x). Image and labels move together.
/// </summary>
public static class GeometricAugment
{
    public static void Flip(TrainingWindow w, bool z, bool y, bool x)
    {
        if (!z && !y && !x) return;
        var s = w.Shape;
        var image = new float[s.Count];
        var labels = new byte[s.Count];
        for (var iz = 0; iz < s.Z; iz++)
        for (var iy = 0; iy < s.Y; iy++)
        for (var ix = 0; ix < s.X; ix++)
        {
            var from = s.Index(z ? s.Z - 1 - iz : iz, y ? s.Y - 1 - iy : iy, x ? s.X - 1 - ix : ix);
            var to = s.Index(iz, iy, ix);
            image[to] = w.Image[from];
            labels[to] = w.Labels[from];
        }
        w.Replace(s, image, labels);
    }

    /// <summary>
    /// Rotates each section counter-clockwise by quarterTurns × 90° (numpy.rot90 on axes (1, 2)).
    /// An odd number of quarter turns swaps Y and X, so callers with non-square windows use 0 or 2.
    /// </summary>
    public static void Rotate(TrainingWindow w, int quarterTurns)
    {
        var k = ((quarterTurns % 4) + 4) % 4;
        if (k == 0) return;
        var s = w.Shape;
        var result = k % 2 == 0 ? s : new Shape3(s.Z, s.X, s.Y);
        var image = new float[s.Count];
        var labels = new byte[s.Count];
        for (var iz = 0; iz < s.Z; iz++)
        for (var oy = 0; oy < result.Y; oy++)
        for (var ox = 0; ox < result.X; ox++)
        {
            // Source of output (oy, ox) for numpy.rot90(m, k, axes=(1, 2)).
            var (sy, sx) = k switch
            {
                1 => (ox, s.X - 1 - oy),
                2 => (s.Y - 1 - oy, s.X - 1 - ox),
                _ => (s.Y - 1 - ox, oy),
            };
            var from = s.Index(iz, sy, sx);
            var to = result.Index(iz, oy, ox);
            image[to] = w.Image[from];
            labels[to] = w.Labels[from];
        }
        w.Replace(result, image, labels);
    }
}
