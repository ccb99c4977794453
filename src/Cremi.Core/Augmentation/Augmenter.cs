namespace Cremi.Core.Augmentation;

/// <summary>Applies the enabled augmentations to a training window, drawing every choice from one seeded Random.</summary>
public sealed class Augmenter(AugmentationOptions options, int seed)
{
    private readonly Random _random = new(seed);

    public AugmentationOptions Options => options;

    /// <summary>The angle to cut the next window at (radians), or null to cut it straight.</summary>
    public double? DrawAngle() => Chance(options.AngleProbability) ? _random.NextDouble() * 2 * Math.PI : null;

    public void Apply(TrainingWindow w)
    {
        if (options.IsNone) return;
        if (options.Flips) GeometricAugment.Flip(w, Coin(), Coin(), Coin());
        if (options.Rotations)
        {
            // Non-square sections keep their shape: only half turns then.
            var turns = _random.Next(4);
            GeometricAugment.Rotate(w, w.Shape.Y == w.Shape.X ? turns : turns & 2);
        }
        if (Chance(options.ElasticProbability)) ElasticAugment.Apply(w, options.ElasticControlSpacing, options.ElasticSigmaPixels, _random);
        if (Chance(options.IntensityProbability))
            IntensityAugment.Apply(w, options.IntensityScale, options.IntensityShift, options.ContrastScale, _random);
        if (w.Shape.Z > 1 && Chance(options.ShiftedSectionProbability))
            DefectAugment.ShiftSection(w, _random.Next(w.Shape.Z), Shift(), Shift());
        if (w.Shape.Z > 1 && Chance(options.MissingSectionProbability))
            DefectAugment.MissingSection(w, _random.Next(w.Shape.Z));
    }

    private bool Coin() => _random.Next(2) == 1;

    private bool Chance(double p) => p > 0 && _random.NextDouble() < p;

    private int Shift() => _random.Next(-options.MaxShiftPixels, options.MaxShiftPixels + 1);
}
