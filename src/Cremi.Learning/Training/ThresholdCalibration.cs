using Cremi.Core.Augmentation;
using Cremi.Core.Sampling;
using Cremi.Core.Training;
using Cremi.Core.Volumes;
using Cremi.Learning.Inference;
using TorchSharp;
using static TorchSharp.torch;

namespace Cremi.Learning.Training;

/// <summary>
/// The threshold a model ships with, chosen on what `cremi generate` computes, and its F1 there, over
/// <paramref name="Voxels"/> of the <paramref name="PlannedVoxels"/> planned (fewer when the time budget ended it early).
/// </summary>
public sealed record Calibration(double Threshold, double F1, double F1AtHalf, long Voxels, long PlannedVoxels, TimeSpan Elapsed)
{
    /// <summary>Thresholds outside [Extreme, 1 - Extreme] are reported: the masks then hinge on a sliver of scores.</summary>
    public const double Extreme = 0.05;

    /// <summary>False when the time budget stopped the calibration before it scored all it planned.</summary>
    public bool Complete => Voxels == PlannedVoxels;

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
    /// Scores at most <paramref name="maxVoxels"/> validation voxels (<see cref="CalibrationSample"/>) with
    /// <paramref name="module"/>; null when the voxels scored hold no cleft (no F1 to maximise).
    /// </summary>
    /// <param name="stop">The time budget's end: the calibration then ends with the sections it finished (the blocks of
    /// one window z-start each, so a stop loses at most one), where <paramref name="cancellationToken"/> abandons it.</param>
    /// <param name="windowsDone">Called with the windows of each forward pass: for progress.</param>
    public static Calibration? Run(nn.Module<Tensor, Tensor> module, ModelDescription description, IReadOnlyList<TrainingVolume> volumes,
        Device device, long maxVoxels, CancellationToken stop = default, CancellationToken cancellationToken = default,
        Action<int>? windowsDone = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var predictor = new SlidingWindowPredictor(new WindowModel(module, description.Spec.OutputsLogits, description.Target, device),
            Windows(description.Window));
        var plan = Plan(volumes, description.Window, maxVoxels);
        var histogram = new ScoreHistogram();
        long voxels = 0;
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stop, cancellationToken);
        try
        {
            foreach (var (index, box) in plan)
            {
                var volume = volumes[index];
                var classes = box.Shape == volume.Shape ? volume.Classes.Data : volume.Classes.Crop(box.Z, box.Y, box.X, box.Shape).Data;
                var isCleft = Array.ConvertAll(classes, c => c == VoxelClass.Cleft);
                var keep = Array.ConvertAll(classes, c => c != VoxelClass.Ignore);
                var section = box.Shape.SectionSize;
                predictor.Run(box.Shape, (z0, z1) => volume.Image.Crop(box.Z + z0, box.Y, box.X, box.Shape with { Z = z1 - z0 }),
                    (z0, finished) =>
                    {
                        var range = new Range(z0 * section, z0 * section + finished.Length);
                        histogram.Add(finished, isCleft.AsSpan(range), keep.AsSpan(range));
                        voxels += finished.Length;
                    }, windowsDone, either.Token);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The budget is spent: the sections finished so far are scored as generate scores them; keep them.
        }
        if (histogram.CleftVoxels == 0) return null;
        var (threshold, f1) = histogram.BestThreshold();
        return new Calibration(threshold, f1, histogram.F1(0.5), voxels, plan.Sum(p => p.Box.Shape.Count), clock.Elapsed);
    }

    /// <summary>Windows <see cref="Run"/> will put through the network for these volumes: what its time depends on.</summary>
    public static long WindowCount(IReadOnlyList<TrainingVolume> volumes, Shape3 window, long maxVoxels)
    {
        var options = Windows(window);
        return Plan(volumes, window, maxVoxels).Sum(p => SlidingWindowPredictor.WindowCount(p.Box.Shape, options));
    }

    private static IReadOnlyList<(int Volume, Window Box)> Plan(IReadOnlyList<TrainingVolume> volumes, Shape3 window, long maxVoxels) =>
        CalibrationSample.Plan([.. volumes.Select(v => v.Shape)], window, maxVoxels);

    /// <summary>
    /// How the calibration tiles the data: `cremi generate`'s defaults (50 % overlap, Gaussian blending), streamed one
    /// window z-start per block so that a stop keeps every section finished before it (the scores are the same for
    /// any slab depth).
    /// </summary>
    private static SlidingWindowOptions Windows(Shape3 window) => new() { Window = window, SlabDepth = window.Z };
}
