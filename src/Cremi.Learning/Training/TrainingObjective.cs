using Cremi.Learning.Tensors;
using Cremi.Learning.Losses;
using static TorchSharp.torch;

namespace Cremi.Learning.Training;

/// <summary>
/// The loss of one batch over the voxels that count. Binary targets: the weighted sum of BCE (with pos_weight),
/// top-k BCE, soft Dice and soft IoU from <see cref="LossSpec"/>, on logits for our networks and on probabilities for the seed
/// network (which ends in a sigmoid). Distance targets: the class-balanced MSE of the tanh distance.
/// Ignored voxels change neither terms nor denominators (removed for the means, zeroed for the per-window sums).
/// </summary>
public sealed class TrainingObjective(TargetKind kind, LossSpec loss, bool outputsLogits)
{
    public Tensor Loss(Tensor output, BatchTensors batch)
    {
        // BCE and the balanced MSE are means over voxels: take only the voxels that count (one flat row).
        var prediction = output.masked_select(batch.Keep).unsqueeze(0);
        var target = batch.Target.masked_select(batch.Keep).unsqueeze(0);
        if (kind == TargetKind.Distance) return BalancedMse.Compute(prediction, target);

        var total = zeros(1, device: output.device).squeeze();
        if (loss.Bce > 0)
        {
            var bce = outputsLogits
                ? SegmentationLosses.BceWithLogits(prediction, target, loss.PosWeight)
                : SegmentationLosses.BceOnProbabilities(prediction, target, loss.PosWeight);
            total = ScalarMath.Sum(total, ScalarMath.Times(bce, loss.Bce));
        }
        if (loss.TopK > 0)
            total = ScalarMath.Sum(total, ScalarMath.Times(
                SegmentationLosses.TopKBce(prediction, target, loss.TopKPercent, loss.PosWeight, outputsLogits), loss.TopK));
        if (loss.Dice > 0 || loss.Iou > 0)
        {
            // Dice and IoU are per window (then averaged): zeroing ignored voxels removes them from every sum.
            var keep = batch.Keep.to_type(output.dtype);
            var probabilities = (outputsLogits ? output.sigmoid() : output) * keep;
            var masked = batch.Target * keep;
            if (loss.Dice > 0) total = ScalarMath.Sum(total, ScalarMath.Times(SegmentationLosses.SoftDice(probabilities, masked, loss.Smooth), loss.Dice));
            if (loss.Iou > 0) total = ScalarMath.Sum(total, ScalarMath.Times(SegmentationLosses.SoftIou(probabilities, masked, loss.Smooth), loss.Iou));
        }
        return total;
    }

    /// <summary>Cleft probability-like score in [0, 1] for thresholds and metrics, whatever the target kind.</summary>
    public Tensor Score(Tensor output) => kind switch
    {
        TargetKind.Distance => ScalarMath.Times(ScalarMath.Plus(ScalarMath.Clamp(output, -1, 1), 1), 0.5), // tanh distance: 0 (the cleft border) maps to 0.5
        _ => outputsLogits ? output.sigmoid() : output,
    };
}
