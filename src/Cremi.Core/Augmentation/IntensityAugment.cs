namespace Cremi.Core.Augmentation;

/// <summary>
/// Section-wise brightness and contrast changes, as staining and imaging vary from section to section in
/// serial-section TEM (gunpowder's IntensityAugment with z_section_wise). Works on any value range, since it
/// scales around each section's own mean rather than clipping to [0, 1].
/// </summary>
public static class IntensityAugment
{
    public static void Apply(TrainingWindow w, double scale, double shift, double contrast, Random random)
    {
        var section = w.Shape.SectionSize;
        for (var z = 0; z < w.Shape.Z; z++)
        {
            var values = w.Image.AsSpan(z * section, section);
            var a = 1 + Uniform(random, scale);
            var b = Uniform(random, shift);
            var c = 1 + Uniform(random, contrast);
            double mean = 0;
            foreach (var v in values) mean += v;
            mean /= section;
            for (var i = 0; i < values.Length; i++)
                values[i] = (float)((mean + (values[i] - mean) * c) * a + b);
        }
    }

    private static double Uniform(Random random, double half) => (random.NextDouble() * 2 - 1) * half;
}
