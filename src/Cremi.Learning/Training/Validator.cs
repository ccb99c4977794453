using Cremi.Learning.Tensors;
using Cremi.Core.Augmentation;
using Cremi.Core.Sampling;
using Cremi.Core.Training;
using Cremi.Core.Volumes;
using Cremi.Learning.Targets;
using TorchSharp;
using static TorchSharp.torch;

namespace Cremi.Learning.Training;

/// <summary>
/// Runs the model over every validation volume in windows that cover it (no augmentation), accumulating the loss
/// and a <see cref="ScoreHistogram"/>. Voxels outside a volume (reflection padding of thin volumes) are marked
/// ignore, so they are never scored. Where covering windows overlap at the far border, those voxels count twice.
/// </summary>
public sealed class Validator(IReadOnlyList<TrainingVolume> volumes, Shape3 window, int batchSize, TrainingObjective objective,
    TargetKind kind, DistanceTarget? distance, Device device, int maxWindows = 0)
{
    // The same windows at every validation (a fixed-seed sample when capped), so epochs compare like with like.
    private readonly List<(TrainingVolume Volume, Window Window)> _windows = Select(volumes, window, maxWindows);

    /// <summary>Windows scored per validation.</summary>
    public int WindowCount => _windows.Count;

    /// <summary>
    /// Every covering window, or a uniform sample of <paramref name="maxWindows"/> of them: scoring a whole
    /// held-out volume on a CPU can take longer than the epoch it judges.
    /// </summary>
    private static List<(TrainingVolume, Window)> Select(IReadOnlyList<TrainingVolume> volumes, Shape3 window, int maxWindows)
    {
        var all = volumes.SelectMany(v => WindowGrid.Cover(v.Shape, window, window).Select(w => (v, w))).ToList();
        if (maxWindows <= 0 || all.Count <= maxWindows) return all;
        var random = new Random(12345);
        return all.OrderBy(_ => random.Next()).Take(maxWindows).ToList();
    }

    public ValidationResult Run(nn.Module<Tensor, Tensor> model, CancellationToken cancellationToken)
    {
        var histogram = new ScoreHistogram();
        double lossSum = 0;
        var batches = 0;
        model.eval();
        using var _ = no_grad();
        foreach (var group in _windows.GroupBy(w => w.Volume))
        {
            var volume = group.Key;
            foreach (var chunk in group.Select(g => g.Window).Chunk(batchSize))
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var batch = Extract(volume, chunk);
                var tensors = BatchTensors.From(batch, kind, volume.Image.Resolution, distance, device);
                var output = model.forward(tensors.Input);
                lossSum += objective.Loss(output, tensors).item<float>();
                batches++;
                var voxels = (int)output.numel();
                var (scores, isCleft, keep) = (new float[voxels], new bool[voxels], new bool[voxels]);
                HostCopy.CopyTo(objective.Score(output), scores.AsSpan());
                HostCopy.CopyTo(tensors.IsCleft, isCleft.AsSpan());
                HostCopy.CopyTo(tensors.Keep, keep.AsSpan());
                histogram.Add(scores, isCleft, keep);
            }
        }
        var (best, bestF1) = histogram.BestThreshold();
        var (tp, fp, fn, tn) = histogram.Confusion(0.5);
        return new ValidationResult(batches == 0 ? double.NaN : lossSum / batches, histogram.F1(0.5), histogram.Iou(0.5),
            best, bestF1, tp + fp + fn + tn);
    }

    private TrainingBatch Extract(TrainingVolume volume, Window[] windows)
    {
        var n = (int)window.Count;
        var images = new float[windows.Length * n];
        var classes = new byte[windows.Length * n];
        for (var i = 0; i < windows.Length; i++)
        {
            var w = windows[i];
            WindowExtractor.ExtractInto(volume.Image, w, images.AsSpan(i * n, n));
            var labels = classes.AsSpan(i * n, n);
            WindowExtractor.ExtractInto(volume.Classes, w, labels);
            for (var z = 0; z < window.Z; z++)
            for (var y = 0; y < window.Y; y++)
            for (var x = 0; x < window.X; x++)
                if (!volume.Shape.Contains(w.Z + z, w.Y + y, w.X + x)) labels[(int)window.Index(z, y, x)] = VoxelClass.Ignore;
        }
        return new TrainingBatch(windows.Length, window, images, classes, 0);
    }
}
