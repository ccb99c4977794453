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
    TargetKind kind, DistanceTarget? distance, Device device)
{
    public ValidationResult Run(nn.Module<Tensor, Tensor> model, CancellationToken cancellationToken)
    {
        var histogram = new ScoreHistogram();
        double lossSum = 0;
        var batches = 0;
        model.eval();
        using var _ = no_grad();
        foreach (var volume in volumes)
        {
            var windows = WindowGrid.Cover(volume.Shape, window, window);
            foreach (var chunk in windows.Chunk(batchSize))
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var batch = Extract(volume, chunk);
                var tensors = BatchTensors.From(batch, kind, volume.Image.Resolution, distance, device);
                var output = model.forward(tensors.Input);
                lossSum += objective.Loss(output, tensors).item<float>();
                batches++;
                var scores = objective.Score(output).cpu().contiguous().data<float>().ToArray();
                var isCleft = tensors.IsCleft.cpu().contiguous().data<bool>().ToArray();
                var keep = tensors.Keep.cpu().contiguous().data<bool>().ToArray();
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
