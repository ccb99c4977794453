using Cremi.Core.Augmentation;
using Cremi.Core.Training;
using Cremi.Core.Volumes;
using Cremi.Learning.Inference;
using TorchSharp;
using static TorchSharp.torch;

namespace Cremi.Learning.Training;

/// <summary>The threshold a model ships with, chosen on what `cremi generate` computes, and its F1 there.</summary>
public sealed record Calibration(double Threshold, double F1, double F1AtHalf, long Voxels, TimeSpan Elapsed)
{
    /// <summary>Thresholds outside [Extreme, 1 - Extreme] are reported: the masks then hinge on a sliver of scores.</summary>
    public const double Extreme = 0.05;

    /// <summary>
    /// Why the chosen threshold deserves a look, or null. A model whose best threshold on validation data is 0.004
    /// (seen on thin volumes whose validation clefts all lay at a volume's last sections) gives masks that move with
    /// any shift of its scores; the user should know before shipping it.
    /// </summary>
    public string? Warning => Threshold < Extreme || Threshold > 1 - Extreme
        ? $"the threshold chosen on the validation data is {Threshold:F3}, near the end of the range: the model is " +
          $"{(Threshold < Extreme ? "under" : "over")}-confident there (F1 {F1:F3}, {F1AtHalf:F3} at 0.5). Check that the validation " +
          "data holds typical clefts (enough of them, not all at a volume's first or last sections), or train longer."
        : null;
}

/// <summary>
/// Chooses the shipped threshold after training, on the validation data run through the product's own inference
/// (Gaussian-blended sliding windows, 50 % overlap), not on the per-epoch validation windows: those are scored
/// without overlap, so their borders lack context and a threshold picked there does not fit generated masks, and a
/// capped sample of windows (the default on CPU) holds few clefts, so its best threshold is noisy.
/// </summary>
public static class ThresholdCalibration
{
    /// <summary>
    /// Scores at most <paramref name="maxVoxels"/> validation voxels (whole volumes first, then the first sections of
    /// the next) with <paramref name="module"/>; null when they hold no cleft voxel (no F1 to maximise).
    /// </summary>
    public static Calibration? Run(nn.Module<Tensor, Tensor> module, ModelDescription description, IReadOnlyList<TrainingVolume> volumes,
        Device device, long maxVoxels, CancellationToken cancellationToken = default)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var predictor = new SlidingWindowPredictor(new WindowModel(module, description.Spec.OutputsLogits, description.Target, device),
            Windows(description.Window));
        var histogram = new ScoreHistogram();
        long voxels = 0, clefts = 0;
        foreach (var (volume, sections) in Parts(volumes, maxVoxels))
        {
            var part = sections == volume.Shape.Z ? volume : volume.Sections(0, sections, "");
            var scores = new float[part.Shape.Count];
            predictor.Run(part.Shape, (z0, z1) => part.Image.Crop(z0, 0, 0, part.Shape with { Z = z1 - z0 }),
                (z0, finished) => finished.CopyTo(scores.AsSpan((int)(z0 * part.Shape.SectionSize))), cancellationToken: cancellationToken);
            var classes = part.Classes.Data;
            var isCleft = Array.ConvertAll(classes, c => c == VoxelClass.Cleft);
            var keep = Array.ConvertAll(classes, c => c != VoxelClass.Ignore);
            histogram.Add(scores, isCleft, keep);
            voxels += part.Shape.Count;
            clefts += isCleft.LongCount(c => c);
        }
        if (clefts == 0) return null;
        var (threshold, f1) = histogram.BestThreshold();
        return new Calibration(threshold, f1, histogram.F1(0.5), voxels, clock.Elapsed);
    }

    /// <summary>Windows <see cref="Run"/> will put through the network for these volumes: what its time depends on.</summary>
    public static long WindowCount(IReadOnlyList<TrainingVolume> volumes, Shape3 window, long maxVoxels)
    {
        var options = Windows(window);
        return Parts(volumes, maxVoxels).Sum(p => SlidingWindowPredictor.WindowCount(p.Volume.Shape with { Z = p.Sections }, options));
    }

    /// <summary>How the calibration tiles the data: `cremi generate`'s defaults (50 % overlap, Gaussian blending).</summary>
    private static SlidingWindowOptions Windows(Shape3 window) => new() { Window = window };

    /// <summary>The sections scored: whole volumes first, then the first sections of the next, up to <paramref name="maxVoxels"/>.</summary>
    private static IEnumerable<(TrainingVolume Volume, int Sections)> Parts(IReadOnlyList<TrainingVolume> volumes, long maxVoxels)
    {
        long voxels = 0;
        foreach (var volume in volumes)
        {
            var sections = (int)Math.Min(volume.Shape.Z, (maxVoxels - voxels) / volume.Shape.SectionSize);
            if (sections < 1) yield break;
            voxels += (long)sections * volume.Shape.SectionSize;
            yield return (volume, sections);
        }
    }
}
