using Cremi.Core.Volumes;

namespace Cremi.Core.Augmentation;

/// <summary>
/// Smooth elastic deformation in the y-x plane (sections are cut and imaged in-plane; z stays put), with the
/// displacement drawn on a coarse control grid (spacing in voxels per axis) and interpolated trilinearly, as in
/// gunpowder's ElasticAugment. The image is resampled bilinearly, labels by nearest neighbour so they stay classes.
/// </summary>
public static class ElasticAugment
{
    public static void Apply(TrainingWindow w, (int Z, int Y, int X) spacing, double sigma, Random random)
    {
        var s = w.Shape;
        var grid = new Shape3(s.Z / Math.Max(1, spacing.Z) + 2, s.Y / Math.Max(1, spacing.Y) + 2, s.X / Math.Max(1, spacing.X) + 2);
        var gy = new float[grid.Count];
        var gx = new float[grid.Count];
        for (var i = 0; i < gy.Length; i++)
        {
            gy[i] = (float)(Gaussian(random) * sigma);
            gx[i] = (float)(Gaussian(random) * sigma);
        }
        var image = new float[s.Count];
        var labels = new byte[s.Count];
        for (var z = 0; z < s.Z; z++)
        for (var y = 0; y < s.Y; y++)
        for (var x = 0; x < s.X; x++)
        {
            var cz = (double)z / Math.Max(1, spacing.Z);
            var cy = (double)y / Math.Max(1, spacing.Y);
            var cx = (double)x / Math.Max(1, spacing.X);
            var fy = y + Trilinear(gy, grid, cz, cy, cx);
            var fx = x + Trilinear(gx, grid, cz, cy, cx);
            var to = s.Index(z, y, x);
            image[to] = Bilinear(w.Image, s, z, fy, fx);
            labels[to] = w.Labels[s.Index(z, Math.Clamp((int)Math.Round(fy), 0, s.Y - 1), Math.Clamp((int)Math.Round(fx), 0, s.X - 1))];
        }
        w.Replace(s, image, labels);
    }

    private static float Bilinear(float[] data, Shape3 s, int z, double y, double x)
    {
        y = Math.Clamp(y, 0, s.Y - 1);
        x = Math.Clamp(x, 0, s.X - 1);
        int y0 = (int)y, x0 = (int)x;
        int y1 = Math.Min(y0 + 1, s.Y - 1), x1 = Math.Min(x0 + 1, s.X - 1);
        double ty = y - y0, tx = x - x0;
        var top = data[s.Index(z, y0, x0)] * (1 - tx) + data[s.Index(z, y0, x1)] * tx;
        var bottom = data[s.Index(z, y1, x0)] * (1 - tx) + data[s.Index(z, y1, x1)] * tx;
        return (float)(top * (1 - ty) + bottom * ty);
    }

    private static double Trilinear(float[] grid, Shape3 g, double z, double y, double x)
    {
        int z0 = Math.Min((int)z, g.Z - 2), y0 = Math.Min((int)y, g.Y - 2), x0 = Math.Min((int)x, g.X - 2);
        double tz = z - z0, ty = y - y0, tx = x - x0;
        double result = 0;
        for (var dz = 0; dz < 2; dz++)
        for (var dy = 0; dy < 2; dy++)
        for (var dx = 0; dx < 2; dx++)
        {
            var weight = (dz == 0 ? 1 - tz : tz) * (dy == 0 ? 1 - ty : ty) * (dx == 0 ? 1 - tx : tx);
            result += weight * grid[g.Index(z0 + dz, y0 + dy, x0 + dx)];
        }
        return result;
    }

    private static double Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
