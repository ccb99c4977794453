namespace Cremi.Core.Augmentation;

/// <summary>
/// Section defects of serial-section EM: a missing section (its image replaced by the window's mean; labels kept,
/// since annotators label through gaps) and a shifted section (translated in-plane together with its labels,
/// as a misaligned section is annotated where it is seen). Borders uncovered by a shift repeat the edge.
/// </summary>
public static class DefectAugment
{
    public static void MissingSection(TrainingWindow w, int z)
    {
        double mean = 0;
        foreach (var v in w.Image) mean += v;
        mean /= w.Image.Length;
        w.Image.AsSpan(z * w.Shape.SectionSize, w.Shape.SectionSize).Fill((float)mean);
    }

    public static void ShiftSection(TrainingWindow w, int z, int dy, int dx)
    {
        var (h, wd) = (w.Shape.Y, w.Shape.X);
        var offset = z * w.Shape.SectionSize;
        var image = w.Image.AsSpan(offset, w.Shape.SectionSize).ToArray();
        var labels = w.Labels.AsSpan(offset, w.Shape.SectionSize).ToArray();
        for (var y = 0; y < h; y++)
        for (var x = 0; x < wd; x++)
        {
            var sy = Math.Clamp(y - dy, 0, h - 1);
            var sx = Math.Clamp(x - dx, 0, wd - 1);
            w.Image[offset + y * wd + x] = image[sy * wd + sx];
            w.Labels[offset + y * wd + x] = labels[sy * wd + sx];
        }
    }
}
