using Cremi.Core.Sampling;
using Cremi.Core.Volumes;

namespace Cremi.Learning.Training;

/// <summary>
/// Which validation voxels the threshold calibration scores, within its voxel cap: whole volumes while they fit, then
/// a block centred in the next volume, at least two windows deep (or the volume's depth) and cropped in-plane to what
/// the cap leaves.
/// <para>Why a block and not the next volume's first sections: the cap (8 M voxels) holds only 5 sections of a
/// CREMI-sized 1250 × 1250 plane. Scored on their own, 5 sections are thinner than a 16-section window, so every window
/// reflects them in z, and their scores are not what `cremi generate` gives the same sections inside the whole
/// volume. A 32 × 512 × 512 block keeps the real z-context, and its in-plane borders are those of any 512² volume.</para>
/// </summary>
public static class CalibrationSample
{
    /// <summary>The blocks to score, each as its volume's index and the box inside it, in scoring order.</summary>
    public static IReadOnlyList<(int Volume, Window Box)> Plan(IReadOnlyList<Shape3> volumes, Shape3 window, long maxVoxels)
    {
        var parts = new List<(int, Window)>();
        var left = maxVoxels;
        for (var i = 0; i < volumes.Count && left > 0; i++)
        {
            var shape = volumes[i];
            if (shape.Count <= left)
            {
                parts.Add((i, new Window(0, 0, 0, shape)));
                left -= shape.Count;
                continue;
            }
            var box = Block(shape, window, left);
            // A remainder too small for a block with real context adds little to what is already planned.
            if (box.Shape.Count > left && parts.Count > 0) break;
            parts.Add((i, box));
            break;
        }
        return parts;
    }

    /// <summary>A block of about <paramref name="voxels"/> voxels centred in a volume that holds more.</summary>
    private static Window Block(Shape3 volume, Shape3 window, long voxels)
    {
        var depth = (int)Math.Min(volume.Z, Math.Max(voxels / volume.SectionSize, 2L * window.Z));
        var area = voxels / depth;
        var (height, width) = (volume.Y, volume.X);
        if (area < volume.SectionSize)
        {
            // Keep the plane's aspect, never below one window (the network's input).
            var scale = Math.Sqrt((double)area / volume.SectionSize);
            height = Math.Clamp((int)Math.Round(volume.Y * scale), Math.Min(volume.Y, window.Y), volume.Y);
            width = (int)Math.Clamp(area / height, Math.Min(volume.X, window.X), volume.X);
        }
        return new Window((volume.Z - depth) / 2, (volume.Y - height) / 2, (volume.X - width) / 2, new Shape3(depth, height, width));
    }
}
