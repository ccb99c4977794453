using Cremi.Core.Sampling;
using Cremi.Core.Volumes;

namespace Cremi.Core.Augmentation;

/// <summary>
/// Rotation by any angle in the y-x plane, applied while the window is cut from the volume: each output voxel reads
/// the volume at its rotated position around the window's centre, so the corners hold real neighbouring tissue, not
/// padding (gunpowder's ElasticAugment rotates the same way, over the region it requests upstream; the DTU-2 cleft
/// detector trained with rotations in [0, π/2) on top of flips and transpositions). Flips and quarter turns alone
/// show a cleft at only 8 orientations of the pixel grid, which matters with the few annotated synapses of a real
/// volume. The image is resampled bilinearly, labels by nearest neighbour so they stay classes; outside the volume
/// both reflect as <see cref="WindowExtractor"/> does. Voxels that are not square in-plane rotate in nm.
/// </summary>
public static class RotationAugment
{
    public static TrainingWindow Extract(Volume<float> image, Volume<byte> classes, Window window, double angle)
    {
        if (image.Shape != classes.Shape)
            throw new ArgumentException($"image {image.Shape} and labels {classes.Shape} differ in shape");
        var (shape, size) = (image.Shape, window.Shape);
        var (sin, cos) = Math.SinCos(angle);
        // In nm: (dy·ry, dx·rx) rotated, then back to voxels of each axis.
        var aspect = image.Resolution.IsValid ? image.Resolution.X / image.Resolution.Y : 1.0;
        double centreY = window.Y + (size.Y - 1) / 2.0, centreX = window.X + (size.X - 1) / 2.0;
        var pixels = new float[size.Count];
        var labels = new byte[size.Count];
        var section = shape.SectionSize;
        var target = 0;
        for (var z = 0; z < size.Z; z++)
        {
            var zBase = (long)Reflection.Index(window.Z + z, shape.Z) * section;
            for (var y = 0; y < size.Y; y++)
            {
                var dy = y - (size.Y - 1) / 2.0;
                for (var x = 0; x < size.X; x++, target++)
                {
                    var dx = x - (size.X - 1) / 2.0;
                    var fy = centreY + cos * dy - sin * dx * aspect;
                    var fx = centreX + (sin * dy / aspect) + cos * dx;
                    pixels[target] = Bilinear(image.Data, zBase, shape, fy, fx);
                    var ny = Reflection.Index((int)Math.Round(fy), shape.Y);
                    var nx = Reflection.Index((int)Math.Round(fx), shape.X);
                    labels[target] = classes.Data[zBase + (long)ny * shape.X + nx];
                }
            }
        }
        return new TrainingWindow(size, pixels, labels);
    }

    private static float Bilinear(float[] data, long zBase, Shape3 shape, double y, double x)
    {
        var y0 = (int)Math.Floor(y);
        var x0 = (int)Math.Floor(x);
        double ty = y - y0, tx = x - x0;
        var r0 = zBase + (long)Reflection.Index(y0, shape.Y) * shape.X;
        var r1 = zBase + (long)Reflection.Index(y0 + 1, shape.Y) * shape.X;
        int c0 = Reflection.Index(x0, shape.X), c1 = Reflection.Index(x0 + 1, shape.X);
        var top = data[r0 + c0] * (1 - tx) + data[r0 + c1] * tx;
        var bottom = data[r1 + c0] * (1 - tx) + data[r1 + c1] * tx;
        return (float)(top * (1 - ty) + bottom * ty);
    }
}
